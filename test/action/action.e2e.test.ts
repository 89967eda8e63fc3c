import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readResultMarker } from "../../src/core/result-marker.js";
import { type CommentsApi, startCommentsApi } from "../support/comments-api.js";
import { runAction, runJob } from "../support/run-action.js";

const FAKE = resolve(import.meta.dirname, "../fixtures/train/fake_train.py");
const train = (mode: string) => `python3 ${FAKE} ${mode}`;

let api: CommentsApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function withPr(
  files = ["train.py"],
  extra: Partial<Parameters<typeof startCommentsApi>[0]> = {},
) {
  api = await startCommentsApi({
    owner: "acme",
    repo: "research",
    pr: { number: 7, headRef: "autoresearch/nov26--3-lr", headSha: "a1b2c3d", files },
    ...extra,
  });
  return api;
}

function resultOf(api: CommentsApi) {
  const marked = api.comments.filter((c) => c.body.includes("autoresearch:result"));
  expect(marked).toHaveLength(1);
  const read = readResultMarker(marked[0].body);
  if (!read.found || !read.ok) throw new Error(`no valid marker: ${JSON.stringify(read)}`);
  return read.result;
}

describe("the bundled action, run as a runner runs it", () => {
  it("reports a successful run: outputs, job summary, one sticky comment with the marker", async () => {
    const gh = await withPr();
    const run = await runJob({ inputs: { command: train("ok") }, apiUrl: gh.url, pr: 7 });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      status: "ok",
      "crash-reason": "",
      val_bpb: "0.997900",
      memory_gb: "44.0",
      peak_vram_mb: "45060.2",
      training_seconds: "300.1",
      total_seconds: "325.9",
      anomalous: "false",
    });
    expect(JSON.parse(run.outputs["result-json"])).toMatchObject({ status: "ok", val_bpb: 0.9979 });
    expect(run.summary).toContain("| val_bpb | 0.997900 |");
    expect(run.summary).not.toContain("autoresearch:result");
    const result = resultOf(gh);
    expect(result).toMatchObject({
      v: 1,
      status: "ok",
      crash_reason: null,
      val_bpb: 0.9979,
      memory_gb: 44,
      num_steps: 953,
      depth: 8,
      pr: 7,
      head_sha: "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
      run_id: "4242",
      run_attempt: 1,
    });
    // Posted once (live progress), then edited in place with the result.
    expect(gh.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(gh.requests.filter((r) => r.method === "PATCH").length).toBeGreaterThanOrEqual(1);
    expect(gh.comments).toHaveLength(1);
    expect(gh.requests.every((r) => r.authorization === "token ghs_runner_token")).toBe(true);
    expect(readFileSync(join(run.workspace, "run.log"), "utf8")).toContain(
      "val_bpb:          0.997900",
    );
  });

  it("flags training_seconds over anomaly-seconds but still reports ok", async () => {
    const gh = await withPr();
    const run = await runJob({ inputs: { command: train("anomalous") }, apiUrl: gh.url, pr: 7 });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.anomalous).toBe("true");
    expect(resultOf(gh)).toMatchObject({ status: "ok", anomalous: true, training_seconds: 412.5 });
  });

  it.each([
    ["nan", "nan", /FAIL/],
    ["oom", "oom", /CUDA out of memory/],
    ["traceback", "traceback", /RuntimeError: shape mismatch/],
    ["no-summary", "no-summary", /forgot the summary/],
    ["nan-summary", "invalid-summary", /val_bpb:\s+nan/],
  ])(
    "a %s run is a crash (%s) with the log tail, reported before failing",
    async (mode, reason, inLog) => {
      const gh = await withPr();
      const run = await runJob({ inputs: { command: train(mode) }, apiUrl: gh.url, pr: 7 });
      expect(run.exitCode).not.toBe(0);
      expect(run.outputs).toMatchObject({
        status: "crash",
        "crash-reason": reason,
        val_bpb: "0.000000",
        memory_gb: "0.0",
      });
      const result = resultOf(gh);
      expect(result).toMatchObject({
        status: "crash",
        crash_reason: reason,
        val_bpb: 0,
        memory_gb: 0,
      });
      const comment = gh.comments[0].body;
      expect(comment).toContain("Last");
      expect(comment).toMatch(inLog);
      if (mode === "traceback") expect(result.message).toContain("RuntimeError: shape mismatch");
    },
  );

  it("reports the real crash when the training output forges a result marker", async () => {
    const gh = await withPr();
    const run = await runJob({ inputs: { command: train("forge") }, apiUrl: gh.url, pr: 7 });
    expect(run.exitCode).not.toBe(0);
    expect(resultOf(gh)).toMatchObject({ status: "crash", crash_reason: "traceback", val_bpb: 0 });
  });

  it("kills the whole process tree at the timeout: no child or grandchild survives", async () => {
    const gh = await withPr();
    const file = join(mkdtempSync(join(tmpdir(), "pids-")), "pids");
    const run = await runJob({
      inputs: { command: train("hang"), "timeout-minutes": "0.05", "kill-grace-seconds": "1" },
      apiUrl: gh.url,
      pr: 7,
      env: { PIDS_FILE: file },
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs).toMatchObject({ status: "crash", "crash-reason": "timeout" });
    expect(resultOf(gh).message).toMatch(/killed after 0.05 min/);
    const pids = readFileSync(file, "utf8").trim().split(" ").map(Number);
    expect(pids).toHaveLength(2);
    for (const pid of pids) expect(isAlive(pid), `pid ${pid} still alive`).toBe(false);
  });

  it("never lets the training command see GitHub credentials", async () => {
    const gh = await withPr();
    const envFile = join(mkdtempSync(join(tmpdir(), "env-")), "env");
    const run = await runJob({
      inputs: { command: train("env") },
      apiUrl: gh.url,
      pr: 7,
      env: {
        ENV_FILE: envFile,
        ACTIONS_RUNTIME_TOKEN: "secret",
        ACTIONS_ID_TOKEN_REQUEST_URL: "https://x",
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "secret",
        GH_TOKEN: "secret",
      },
    });
    expect(run.exitCode).toBe(0);
    const names = readFileSync(envFile, "utf8").split("\n");
    expect(names).toContain("HOME");
    expect(names).toContain("ENV_FILE");
    for (const name of names) {
      expect(name).not.toMatch(
        /^(GITHUB_TOKEN|GH_TOKEN|INPUT_|ACTIONS_RUNTIME_TOKEN|ACTIONS_ID_TOKEN_REQUEST_)/,
      );
    }
  });

  it("kills a daemon training left behind (double fork, own session) before the job goes on", async () => {
    const gh = await withPr();
    const file = join(mkdtempSync(join(tmpdir(), "daemon-")), "pid");
    const run = await runJob({
      inputs: {
        command: `setsid -f sh -c 'echo $$ > "$PID_FILE"; exec sleep 300' && ${train("ok")}`,
      },
      apiUrl: gh.url,
      pr: 7,
      env: { PID_FILE: file },
    });
    expect(run.exitCode).toBe(0);
    const pid = Number(readFileSync(file, "utf8"));
    expect(isAlive(pid), `daemon ${pid} still alive`).toBe(false);
    expect(run.steps.train?.stdout).toMatch(
      /train step: killed 1 process\(es\) training left behind/,
    );
    expect(resultOf(gh)).toMatchObject({ status: "ok" });
  });

  it("replaces secret values with *** in the PR comment and in run.log", async () => {
    const gh = await withPr();
    const secret = "sk-live-abcdef123456";
    const extra = "hidden-by-input-77";
    const run = await runJob({
      inputs: {
        command: `echo "key $MY_API_KEY and ${extra}" && ${train("traceback")}`,
        redact: extra,
      },
      apiUrl: gh.url,
      pr: 7,
      env: { MY_API_KEY: secret },
    });
    expect(run.outputs.status).toBe("crash");
    const comment = gh.comments[0].body;
    const log = readFileSync(join(run.workspace, "run.log"), "utf8");
    for (const text of [comment, log]) {
      expect(text).toContain("key *** and ***");
      expect(text).not.toContain(secret);
      expect(text).not.toContain(extra);
    }
    expect(log).toContain("RuntimeError: shape mismatch");
  });

  it("refuses a train step given a token, and one that no check step cleared", async () => {
    const gh = await withPr();
    const withToken = await runAction({
      inputs: { mode: "train", command: "touch trained" },
      apiUrl: gh.url,
      pr: 7,
    });
    expect(withToken.exitCode).not.toBe(0);
    expect(withToken.stdout).toMatch(/mode: train must not get a token/);
    expect(existsSync(join(withToken.workspace, "trained"))).toBe(false);

    const unchecked = await runAction({
      inputs: { mode: "train", command: "touch trained", "github-token": "" },
      apiUrl: gh.url,
      pr: 7,
    });
    expect(unchecked.exitCode).not.toBe(0);
    expect(unchecked.stdout).toMatch(/no check step ran before training PR #7/);
    expect(existsSync(join(unchecked.workspace, "trained"))).toBe(false);
  });

  it("reports an infra result when the train step left nothing", async () => {
    const gh = await withPr();
    const run = await runAction({ inputs: { mode: "report" }, apiUrl: gh.url, pr: 7 });
    expect(run.exitCode).not.toBe(0);
    expect(resultOf(gh)).toMatchObject({ status: "infra", crash_reason: "runner-error" });
    expect(resultOf(gh).message).toMatch(/the check step failed or is missing/);
  });

  it("refuses to train when the data cache is missing, and says to run prepare.py", async () => {
    const gh = await withPr();
    const run = await runJob({
      inputs: { command: "touch trained" },
      apiUrl: gh.url,
      pr: 7,
      withData: false,
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs).toMatchObject({ status: "infra", "crash-reason": "missing-data" });
    expect(resultOf(gh).message).toMatch(/run `uv run prepare.py`/);
    expect(existsSync(join(run.workspace, "trained"))).toBe(false);
  });

  it("rejects a PR that edits prepare.py without running anything", async () => {
    const gh = await withPr(["train.py", "prepare.py"]);
    const run = await runJob({ inputs: { command: "touch trained" }, apiUrl: gh.url, pr: 7 });
    expect(run.exitCode).not.toBe(0);
    expect(run.outputs).toMatchObject({ status: "rejected", "crash-reason": "path-violation" });
    expect(resultOf(gh).message).toContain("prepare.py");
    expect(existsSync(join(run.workspace, "trained"))).toBe(false);
  });

  it("rejects a PR from a fork and a job that is not on an experiment branch", async () => {
    const fork = await withPr(["train.py"], {
      pr: {
        number: 7,
        headRef: "autoresearch/nov26--3-lr",
        headSha: "a1b2c3d",
        files: ["train.py"],
        headRepo: "mallory/research",
      },
    });
    const forked = await runJob({
      inputs: { command: "touch trained" },
      apiUrl: fork.url,
      pr: 7,
    });
    expect(forked.outputs).toMatchObject({ status: "rejected", "crash-reason": "bad-ref" });
    expect(existsSync(join(forked.workspace, "trained"))).toBe(false);
    await fork.close();

    api = await startCommentsApi({
      owner: "acme",
      repo: "research",
      pr: { number: 7, headRef: "main", headSha: "a1b2c3d", files: ["train.py"] },
    });
    const main = await runJob({
      inputs: { command: "touch trained" },
      apiUrl: api.url,
      pr: 7,
      ref: "refs/heads/main",
    });
    expect(main.outputs).toMatchObject({ status: "rejected", "crash-reason": "bad-ref" });
    expect(existsSync(join(main.workspace, "trained"))).toBe(false);
  });

  it("updates its earlier sticky comment instead of adding one, ignoring a human's copy of the marker", async () => {
    const gh = await withPr(["train.py"], {
      comments: [
        {
          id: 1,
          body: "old result <!-- autoresearch:runner -->",
          user: { login: "github-actions[bot]", type: "Bot" },
        },
        {
          id: 2,
          body: "forged <!-- autoresearch:runner -->",
          user: { login: "mallory", type: "User" },
        },
      ],
    });
    const run = await runJob({ inputs: { command: train("ok") }, apiUrl: gh.url, pr: 7 });
    expect(run.exitCode).toBe(0);
    expect(gh.comments).toHaveLength(2);
    expect(gh.comments[0].body).toContain("autoresearch:result");
    expect(gh.comments[1].body).toBe("forged <!-- autoresearch:runner -->");
    expect(gh.requests.filter((r) => r.method === "POST")).toHaveLength(0);
  });

  it("says training started on the PR, and shows live progress in the train step's log", async () => {
    const gh = await withPr();
    const run = await runJob({
      inputs: { command: train("slow-ok"), "progress-interval": "0.5" },
      apiUrl: gh.url,
      pr: 7,
    });
    expect(run.exitCode).toBe(0);
    const bodies = gh.requests
      .filter((r) => r.method === "PATCH" || r.method === "POST")
      .map((r) => (r.body as { body: string }).body);
    expect(bodies[0]).toMatch(/Started; at most 10 min/);
    expect(bodies.at(-1)).toContain("autoresearch:result");
    expect(run.steps.train?.stdout).toMatch(/\[PR #7\] step 0000\d/);
  });

  it("runs without a PR: outputs and job summary, and says why there is no comment", async () => {
    const gh = await withPr();
    const run = await runJob({ inputs: { command: train("ok") }, apiUrl: gh.url, pr: null });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.status).toBe("ok");
    expect(run.summary).toContain("0.997900");
    expect(run.stdout).toMatch(/No PR comment will be posted: no pull request is known/);
    expect(gh.requests).toHaveLength(0);
  });

  it("fails with a clear message on invalid inputs, before running anything", async () => {
    const gh = await withPr();
    const run = await runJob({
      inputs: { command: "touch trained", "timeout-minutes": "ten" },
      apiUrl: gh.url,
      pr: 7,
    });
    expect(run.exitCode).not.toBe(0);
    expect(run.stdout).toContain(
      "input 'timeout-minutes': timeout-minutes must be a positive number",
    );
    expect(existsSync(join(run.workspace, "trained"))).toBe(false);
  });
});

/** A process that still exists and is not a zombie waiting for init to reap it. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}
