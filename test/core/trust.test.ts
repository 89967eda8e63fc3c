import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  createSealer,
  experimentScope,
  runScope,
  sealKeys,
} from "../../src/core/block-seal.js";
import { type RunState, runBlock } from "../../src/core/run-state.js";
import { type ExperimentState, stateBlock } from "../../src/core/state-block.js";
import {
  pickDashboards,
  type TrustRoot,
  trustDashboard,
  trustExperimentPull,
} from "../../src/core/trust.js";
import { experimentState } from "../support/fixtures.js";

const REPO = "acme/research";
const APP = "autoresearch-bot[bot]";
const BRANCH = "autoresearch/nov26--3-lr";
const sealer = createSealer({ current: "new-secret", previous: "old-secret" });
const oldSealer = createSealer({ current: "old-secret", previous: null });
const otherSealer = createSealer({ current: "someone-else", previous: null });
const root: TrustRoot = { repository: REPO, appLogin: APP, sealer };

const KEEP: ExperimentState = experimentState({ n: 3, phase: "decided" });

function body(state: ExperimentState, mac: string | null): string {
  return `## Experiment\n\n${stateBlock.render(state, mac)}\n`;
}
const sealedFor = (s: typeof sealer, headRef: string, state = KEEP) =>
  body(state, s.seal(experimentScope(REPO, headRef), state));

const APP_PULL = {
  number: 3,
  author: APP,
  authorType: "Bot",
  headRef: BRANCH,
  headRepository: REPO,
};

describe("trustExperimentPull", () => {
  it.each([
    ["the app's PR with its seal", APP_PULL, sealedFor(sealer, BRANCH), "trusted"],
    [
      "the app's PR sealed with the previous secret",
      APP_PULL,
      sealedFor(oldSealer, BRANCH),
      "reseal",
    ],
    ["no block at all (a pushed branch to adopt)", APP_PULL, "just text", "none"],
    [
      "a fork's PR carrying a correctly sealed block copied from elsewhere",
      { ...APP_PULL, author: "mallory", authorType: "User", headRepository: "mallory/research" },
      sealedFor(sealer, BRANCH),
      "untrusted",
    ],
    [
      "a fork PR opened by a bot account",
      { ...APP_PULL, headRepository: "mallory/research" },
      sealedFor(sealer, BRANCH),
      "untrusted",
    ],
    [
      "a deleted fork (head repository null)",
      { ...APP_PULL, headRepository: null },
      sealedFor(sealer, BRANCH),
      "untrusted",
    ],
    [
      "a same-repo PR a human opened, with a forged block",
      { ...APP_PULL, author: "octocat", authorType: "User" },
      body(KEEP, null),
      "untrusted",
    ],
    [
      "the app's PR whose block was edited by hand (no MAC)",
      APP_PULL,
      body(KEEP, null),
      "untrusted",
    ],
    [
      "the app's PR whose verdict was edited, old MAC kept",
      APP_PULL,
      body(
        { ...KEEP, phase: "queued" },
        sealer.seal(experimentScope(REPO, BRANCH), { ...KEEP, phase: "decided" }),
      ),
      "untrusted",
    ],
    [
      "a block sealed for another branch (copied between PRs)",
      APP_PULL,
      sealedFor(sealer, "autoresearch/nov26--4-other"),
      "untrusted",
    ],
    ["a block sealed with another secret", APP_PULL, sealedFor(otherSealer, BRANCH), "untrusted"],
  ])("%s → %s", (_name, pull, text, expected) => {
    const trust = trustExperimentPull(root, pull, stateBlock.read(text));
    const kind = trust.kind === "trusted" && trust.reseal ? "reseal" : trust.kind;
    expect(kind).toBe(expected);
    if (trust.kind === "untrusted") expect(trust.reason).toContain(`#${pull.number}`);
  });

  it("accepts a bot-authored same-repo block without a MAC check when no secret is known (the CLI)", () => {
    const cli: TrustRoot = { repository: REPO, appLogin: null, sealer: null };
    expect(trustExperimentPull(cli, APP_PULL, stateBlock.read(body(KEEP, null))).kind).toBe(
      "trusted",
    );
    const human = { ...APP_PULL, author: "octocat", authorType: "User" };
    expect(trustExperimentPull(cli, human, stateBlock.read(body(KEEP, null))).kind).toBe(
      "untrusted",
    );
  });

  it("rejects a sealed block with members added after it was sealed", () => {
    const mac = sealer.seal(experimentScope(REPO, BRANCH), KEEP);
    const tampered = stateBlock
      .render(KEEP, mac)
      .replace('"v":1,', '"v":1,"phase":"decided","extra":true,');
    expect(trustExperimentPull(root, APP_PULL, stateBlock.read(tampered)).kind).toBe("untrusted");
  });
});

const RUN: RunState = {
  v: 1,
  tag: "nov26",
  status: "running",
  branch: "autoresearch/nov26",
  base_branch: "main",
  gist_id: "abc",
  ledger: "gist",
  next_n: 2,
  started_at: "2026-11-26T00:00:00Z",
  started_by: "octocat",
  proposer_failures: 0,
  notes: [],
};
const runBody = (run: RunState, s = sealer) =>
  runBlock.render(run, s.seal(runScope(REPO, run.tag), run));
const APP_ISSUE = { number: 1, author: APP, authorType: "Bot" };

describe("trustDashboard", () => {
  it.each([
    ["the app's dashboard", APP_ISSUE, runBody(RUN), "trusted"],
    [
      "an issue by a triage user with a forged block",
      { number: 5, author: "trudy", authorType: "User" },
      runBlock.render(RUN, null),
      "untrusted",
    ],
    [
      "a triage user's issue with a sealed block pasted in",
      { number: 5, author: "trudy", authorType: "User" },
      runBody(RUN),
      "untrusted",
    ],
    [
      "the app's issue claiming the branch main",
      APP_ISSUE,
      runBody({ ...RUN, branch: "main" }),
      "untrusted",
    ],
    [
      "the app's issue with a hand-edited gist id",
      APP_ISSUE,
      runBlock.render({ ...RUN, gist_id: "evil" }, sealer.seal(runScope(REPO, "nov26"), RUN)),
      "untrusted",
    ],
    [
      "a block sealed for another tag",
      APP_ISSUE,
      runBlock.render(RUN, sealer.seal(runScope(REPO, "dec01"), RUN)),
      "untrusted",
    ],
    ["no block", APP_ISSUE, "hello", "none"],
  ])("%s → %s", (_name, issue, text, expected) => {
    expect(trustDashboard(root, issue, runBlock.read(text)).kind).toBe(expected);
  });
});

describe("pickDashboards", () => {
  it("keeps the oldest dashboard per tag and reports later copies", () => {
    const picked = pickDashboards([
      { number: 9, run: RUN },
      { number: 2, run: RUN },
      { number: 4, run: { ...RUN, tag: "dec01" } },
    ]);
    expect(picked.runs.map((d) => d.number)).toEqual([2, 4]);
    expect(picked.duplicates).toEqual([{ number: 9, tag: "nov26", kept: 2 }]);
  });
});

describe("sealKeys", () => {
  it.each([
    [{ STATE_SECRET: "s" }, { current: "s", previous: null }],
    [
      { STATE_SECRET: "s", STATE_SECRET_PREVIOUS: "p" },
      { current: "s", previous: "p" },
    ],
    [{}, null],
  ])("%j → %j", (env, expected) => {
    expect(sealKeys(env)).toEqual(expected);
  });

  it("derives a key from WEBHOOK_SECRET that is not the webhook secret itself", () => {
    const keys = sealKeys({ WEBHOOK_SECRET: "hook" });
    expect(keys?.current).toMatch(/^[0-9a-f]{64}$/);
    expect(keys?.current).not.toBe("hook");
    expect(sealKeys({ WEBHOOK_SECRET: "hook" })).toEqual(keys);
  });
});

describe("canonicalJson", () => {
  it("is the same text whatever the key order, without undefined members", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      canonicalJson({ a: { d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
  });
});
