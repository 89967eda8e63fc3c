import { type FileHandle, open } from "node:fs/promises";

const DEFAULT_TAIL_BYTES = 64 * 1024;

/**
 * The last `maxBytes` of a file as UTF-8 text, read through one buffer of
 * that size so memory stays flat whether run.log is 1 MB or 10 GB. A missing
 * file (training never started) reads as "".
 */
export async function readTail(path: string, maxBytes = DEFAULT_TAIL_BYTES): Promise<string> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, "r");
    return await readEnd(handle, maxBytes);
  } catch (cause) {
    if (isMissing(cause)) return "";
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(
      `Could not read the training log ${path} (${reason}): check that it is a readable file.`,
      { cause },
    );
  } finally {
    await handle?.close();
  }
}

async function readEnd(handle: FileHandle, maxBytes: number): Promise<string> {
  const { size } = await handle.stat();
  const start = Math.max(0, size - maxBytes);
  const buffer = Buffer.alloc(Math.min(size, maxBytes));
  const filled = await readFully(handle, buffer, start);
  const from = start > 0 ? countContinuationBytes(buffer, filled) : 0;
  return buffer.toString("utf8", from, filled);
}

/** Reads until the buffer is full or the file ends (it may be truncated while we read). */
async function readFully(handle: FileHandle, buffer: Buffer, position: number): Promise<number> {
  let filled = 0;
  while (filled < buffer.length) {
    const { bytesRead } = await handle.read(
      buffer,
      filled,
      buffer.length - filled,
      position + filled,
    );
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

/** A tail cut inside a multi-byte character starts with its continuation bytes (10xxxxxx): skip them. */
function countContinuationBytes(buffer: Buffer, length: number): number {
  let i = 0;
  while (i < Math.min(3, length) && (buffer[i] & 0xc0) === 0x80) i++;
  return i;
}

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
}
