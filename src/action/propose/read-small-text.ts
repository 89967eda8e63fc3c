import { closeSync, lstatSync, openSync, readSync } from "node:fs";

/**
 * The start of a regular file as text; null when it is missing or not a
 * regular file. A symlink the agent planted (to a key, say) is never followed.
 */
export function readSmallText(path: string, maxBytes: number): string | null {
  try {
    if (!lstatSync(path).isFile()) return null;
    const fd = openSync(path, "r");
    try {
      const buffer = Buffer.alloc(maxBytes);
      const read = readSync(fd, buffer, 0, maxBytes, 0);
      return buffer.toString("utf8", 0, read);
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
}
