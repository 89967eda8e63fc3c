import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, it } from "vitest";
import { type Night, startNight, TINY_DIR } from "../../../sandbox/night.js";

function seedWithConcurrency(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), "scratch-seed-"));
  cpSync(TINY_DIR, dir, { recursive: true });
  const cfg = join(dir, ".github/autoresearch.yml");
  writeFileSync(
    cfg,
    readFileSync(cfg, "utf8")
      .replace("concurrency: 1", `concurrency: ${n}`)
      .replace("queueDepth: 1", `queueDepth: ${n}`),
  );
  return dir;
}

let night: Night | undefined;
afterEach(async () => {
  await night?.stop();
  night = undefined;
});

const cases = (process.env.SCRATCH_CASES ?? "1:1,2:1,1:2,2:2,3:2")
  .split(",")
  .map((c) => c.split(":").map(Number));
it.each(cases)(
  "seed %i runners %i",
  async (seed, runners) => {
    const conc = Number(process.env.SCRATCH_CONCURRENCY ?? 1);
    night = await startNight({
      seed,
      runners,
      ...(conc > 1 ? { sandbox: { seedDir: seedWithConcurrency(conc) } } : {}),
    });
    const { sandbox } = night;
    const issue = await sandbox.human.openIssue("Let's research");
    await night.say(issue, "/autoresearch start nov26");
    await night.waitForDecided(Number(process.env.SCRATCH_DECIDED ?? 4), 60_000);
    await night.stopRun();
    const seen = new Set<string>();
    for (const v of sandbox.violations) {
      const key = `${v.kind} ${v.where} ${v.message}`.replace(/\/\d+\//g, "/N/");
      if (!seen.has(key)) console.log("VIOLATION", key);
      seen.add(key);
    }
    for (const r of sandbox.state.requests)
      if (r.status >= 400) console.log("REQ", r.status, r.method, r.path, r.operationId, r.actor);
    for (const d of sandbox.state.deliveries)
      if (d.status === null || d.status >= 300)
        console.log("DELIVERY", d.event, d.action, d.status);
    const ops = new Map<string, number>();
    for (const r of sandbox.state.requests)
      ops.set(`${r.actor} ${r.operationId}`, (ops.get(`${r.actor} ${r.operationId}`) ?? 0) + 1);
    console.log("OPS", JSON.stringify([...ops].sort((a, b) => b[1] - a[1])));
    for (const p of sandbox.state.pulls())
      console.log("PULL", p.number, p.state, p.pull_request?.merged, p.title, p.labels.join(","));
    console.log(
      "SUMMARY",
      seed,
      runners,
      sandbox.violations.length,
      "pulls",
      sandbox.state
        .pulls()
        .map((p) => `${p.number}:${p.state}`)
        .join(" "),
    );
  },
  180_000,
);
