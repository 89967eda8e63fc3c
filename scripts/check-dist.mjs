// Fails when dist/ is not what `npm run build` makes from the current sources:
// users' runners execute dist/ directly, so a stale bundle is a silent bug.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

// `--dist DIR` checks another copy (tests check a tampered one).
const i = process.argv.indexOf("--dist");
const dist = i > 0 ? process.argv[i + 1] : "dist";

const fresh = mkdtempSync(join(tmpdir(), "dist-check-"));
try {
  execFileSync(process.execPath, ["scripts/build.mjs", "--outdir", fresh], { stdio: "inherit" });
  const names = new Set([...listFiles(fresh), ...listFiles(dist)]);
  const stale = [...names].filter((name) => read(join(fresh, name)) !== read(join(dist, name)));
  if (stale.length > 0) {
    console.error(
      `${dist}/ is stale (${stale.join(", ")}): run \`npm run build\` and commit dist/.`,
    );
    process.exit(1);
  }
  console.log("dist/ is current.");
} finally {
  rmSync(fresh, { recursive: true, force: true });
}

/** Every file under dir (chunks/ included), as paths relative to it. */
function listFiles(dir) {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(dir, join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
}

function read(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}
