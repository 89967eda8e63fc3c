/** The CLI's documented exit codes (also listed in `autoresearch --help`). */
export const EXIT = {
  ok: 0,
  /** GitHub or the app reported a failure, or the app did not answer in time. */
  failed: 1,
  /** Bad arguments or input: nothing was sent to GitHub. */
  usage: 2,
  /** The repository or the run does not exist (or the token cannot see it). */
  notFound: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure the CLI explains in one message and ends on with its exit code. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CliError";
  }
}

export const usageError = (message: string) => new CliError(EXIT.usage, message);
export const notFoundError = (message: string) => new CliError(EXIT.notFound, message);
export const failedError = (message: string, cause?: unknown) =>
  new CliError(EXIT.failed, message, { cause });
