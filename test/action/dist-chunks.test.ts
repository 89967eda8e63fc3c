/**
 * What each step of the committed action loads (dist/index.js and the chunks it imports), read
 * from the built files: every step is a fresh process, so what a mode does not need it must not
 * parse. esbuild keeps a `// node_modules/<package>/…` comment above each bundled module, which is
 * how a chunk's packages are recognised here.
 */
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const DIST = join(ROOT, "dist");
const MODES = ["check", "train", "report", "propose", "app"] as const;

function source(file: string): string {
  return readFileSync(file, "utf8");
}

/** Files a module imports statically (`import … from "./x.js"`, `import "./x.js"`), resolved. */
function staticImports(file: string): string[] {
  const specifiers = [
    ...source(file).matchAll(/^(?:import|export)\s[^;]*?["'](\.{1,2}\/[^"']+)["']/gm),
  ];
  return specifiers.map((m) => resolve(dirname(file), m[1]));
}

/** The file and everything it loads before running: its static import closure. */
function loadedWith(file: string): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const next of staticImports(f)) visit(next);
  };
  visit(file);
  return [...seen];
}

/** The mode's chunk, as dist/index.js imports it when that mode runs. */
function modeChunk(mode: (typeof MODES)[number]): string {
  const dynamic = [
    ...source(join(DIST, "index.js")).matchAll(/import\(["'](\.\/chunks\/[^"']+)["']\)/g),
  ];
  const match = dynamic.map((m) => m[1]).filter((p) => p.startsWith(`./chunks/run-${mode}-`));
  expect(match, `dist/index.js imports one chunk for mode ${mode}`).toHaveLength(1);
  return join(DIST, match[0]);
}

/** Packages bundled into these files. */
function packagesIn(files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    for (const m of source(file).matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm))
      names.add(m[1]);
  }
  return names;
}

describe("the bundled action loads per mode", () => {
  it("starts with only what every mode needs: no GitHub client, templates or process runner", () => {
    const packages = packagesIn(loadedWith(join(DIST, "index.js")));
    expect(packages).toContain("zod");
    for (const heavy of ["@octokit/core", "handlebars", "execa"])
      expect(packages).not.toContain(heavy);
  });

  it("loads no Octokit and no templates in train, no process runner in check and report", () => {
    const loaded = Object.fromEntries(
      MODES.map((mode) => [mode, packagesIn(loadedWith(modeChunk(mode)))]),
    );
    expect(loaded.train).toContain("execa");
    expect(
      [...loaded.train].filter((p) => p.startsWith("@octokit/") || p === "handlebars"),
    ).toEqual([]);
    for (const mode of ["check", "report", "propose"] as const) {
      expect(loaded[mode]).toContain("@octokit/core");
      expect(loaded[mode]).toContain("handlebars");
    }
    expect(loaded.check).not.toContain("execa");
    expect(loaded.report).not.toContain("execa");
  });

  it("bundles no undici: Octokit's fetch keeps Node's own dispatcher", () => {
    const files = [
      join(DIST, "index.js"),
      ...readdirSync(join(DIST, "chunks")).map((f) => join(DIST, "chunks", f)),
    ];
    expect(packagesIn(files)).not.toContain("undici");
    expect(files.filter((f) => source(f).includes("undici.globalDispatcher"))).toEqual([]);
  });

  it("has no chunk that nothing loads (a leftover of an earlier build)", () => {
    const starts = [join(DIST, "index.js"), ...MODES.map(modeChunk)];
    const reachable = new Set(starts.flatMap(loadedWith));
    const chunks = readdirSync(join(DIST, "chunks")).map((f) => join(DIST, "chunks", f));
    expect(chunks.filter((c) => !reachable.has(c))).toEqual([]);
  });
});

describe("check-dist", () => {
  /** Runs scripts/check-dist.mjs on a copy of dist/ that `tamper` changed. */
  function checkTampered(tamper: (copy: string) => void) {
    const copy = join(mkdtempSync(join(tmpdir(), "dist-copy-")), "dist");
    try {
      cpSync(DIST, copy, { recursive: true });
      tamper(copy);
      const run = spawnSync(process.execPath, ["scripts/check-dist.mjs", "--dist", copy], {
        cwd: ROOT,
        encoding: "utf8",
      });
      return { status: run.status, stderr: run.stderr };
    } finally {
      rmSync(dirname(copy), { recursive: true, force: true });
    }
  }

  it("finds a stale chunk and a leftover one, and names them", () => {
    expect(checkTampered(() => {}).status).toBe(0);
    const chunk = readdirSync(join(DIST, "chunks"))[0];
    const edited = checkTampered((copy) => appendFileSync(join(copy, "chunks", chunk), "\n"));
    expect(edited.status).toBe(1);
    expect(edited.stderr).toContain(`chunks/${chunk}`);
    expect(edited.stderr).toContain("run `npm run build` and commit dist/");
    const leftover = checkTampered((copy) =>
      writeFileSync(join(copy, "chunks", "run-old-AAAA.js"), ""),
    );
    expect(leftover.status).toBe(1);
    expect(leftover.stderr).toContain("chunks/run-old-AAAA.js");
  }, 60_000);
});
