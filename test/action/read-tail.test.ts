import { appendFile, mkdtemp, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTail } from "../../src/action/read-tail.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "read-tail-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function logFile(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

describe("readTail", () => {
  it("returns only the last maxBytes of a bigger file", async () => {
    const head = "H".repeat(300_000);
    const end = `${"x".repeat(65_536 - 8)}---\nEND\n`;
    const path = await logFile("big.log", head + end);
    const tail = await readTail(path);
    expect(tail.length).toBe(65_536);
    expect(tail === end).toBe(true);
  });

  it("reads the end of an 8 GiB file, far past what could be read whole", async () => {
    // sparse: takes no disk space, yet a whole-file read would fail (Node caps buffers at 2 GiB+)
    const path = await logFile("huge.log", "");
    await truncate(path, 8 * 1024 ** 3);
    await appendFile(path, "val_bpb:          0.997900\n");
    const tail = await readTail(path, 1024);
    expect(tail.length).toBe(1024);
    expect(tail.endsWith("\0val_bpb:          0.997900\n")).toBe(true);
  });

  it("honours a custom maxBytes", async () => {
    const path = await logFile("custom.log", "0123456789");
    expect(await readTail(path, 4)).toBe("6789");
  });

  it("returns a file smaller than maxBytes whole", async () => {
    const path = await logFile("small.log", "Time budget: 300s\n\rstep 00001 (0.1%)");
    expect(await readTail(path)).toBe("Time budget: 300s\n\rstep 00001 (0.1%)");
  });

  it.each([
    ["a 2-byte character", "é", 1],
    ["a 3-byte character", "€", 2],
    ["a 4-byte character", "🚀", 3],
  ])("drops %s cut at the start of the tail", async (_label, char, kept) => {
    const path = await logFile(`utf8-${kept}.log`, `${char}done\n`);
    expect(await readTail(path, kept + 5)).toBe("done\n");
  });

  it("keeps a character that starts exactly at the cut", async () => {
    const path = await logFile("utf8-whole.log", "ab€done");
    expect(await readTail(path, 7)).toBe("€done");
  });

  it("reads an empty file as an empty string", async () => {
    expect(await readTail(await logFile("empty.log", ""))).toBe("");
  });

  it("reads a missing file as an empty string", async () => {
    expect(await readTail(join(dir, "never-written.log"))).toBe("");
  });

  it("says which path failed for errors other than a missing file", async () => {
    await expect(readTail(dir)).rejects.toThrow(`Could not read the training log ${dir} (EISDIR`);
  });
});
