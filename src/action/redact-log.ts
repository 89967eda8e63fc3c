import { createReadStream, createWriteStream } from "node:fs";
import { rename, rm } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import { createStreamRedactor } from "../core/redact.js";

/**
 * Rewrites the log with every secret replaced by `***`, chunk by chunk (run.log can be hundreds
 * of MB of `\r` progress), then swaps it in. Bytes are read as latin1 so that everything but the
 * secrets stays byte for byte what training wrote.
 */
export async function redactLogFile(path: string, secrets: readonly string[]): Promise<void> {
  if (secrets.length === 0) return;
  const encoded = secrets.map((s) => Buffer.from(s, "utf8").toString("latin1"));
  const redactor = createStreamRedactor(encoded);
  const temporary = `${path}.redacting`;
  try {
    await pipeline(
      createReadStream(path),
      async function* (chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks)
          yield Buffer.from(redactor.push(chunk.toString("latin1")), "latin1");
        yield Buffer.from(redactor.end(), "latin1");
      },
      createWriteStream(temporary, { mode: 0o644 }),
    );
  } catch (cause) {
    await rm(temporary, { force: true });
    if ((cause as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new Error(`Could not redact the training log ${path}: ${String(cause)}`, { cause });
  }
  await rename(temporary, path);
}
