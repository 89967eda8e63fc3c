/** Where the CLI writes: results on stdout, messages and progress on stderr. */
export interface CliIo {
  /** What the command produces (pipe-able): a TSV, JSON, a status report. */
  out(text: string): void;
  /** Messages for the person at the terminal. */
  err(text: string): void;
  /** A transient progress line: rewritten in place on a terminal, printed once otherwise. */
  progress(text: string): void;
  /** Ends a progress line, if one is showing. */
  endProgress(): void;
}

export function processIo(): CliIo {
  const tty = process.stderr.isTTY === true;
  let showing = false;
  let printedOnce = false;
  return {
    out: (text) => process.stdout.write(text.endsWith("\n") ? text : `${text}\n`),
    err: (text) => {
      if (showing) process.stderr.write("\n");
      showing = false;
      process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);
    },
    progress: (text) => {
      if (tty) {
        process.stderr.write(`\r\x1b[2K${text}`);
        showing = true;
      } else if (!printedOnce) {
        process.stderr.write(`${text}\n`);
      }
      printedOnce = true;
    },
    endProgress: () => {
      if (showing) process.stderr.write("\r\x1b[2K");
      showing = false;
      printedOnce = false;
    },
  };
}
