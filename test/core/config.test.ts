import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import {
  ConfigSchema,
  closestKey,
  configJsonSchema,
  DEFAULT_CONFIG,
  parseConfig,
} from "../../src/core/config.js";

describe("DEFAULT_CONFIG", () => {
  it("holds the documented defaults", () => {
    expect(DEFAULT_CONFIG).toEqual({
      workflow: "autoresearch.yml",
      proposeWorkflow: "autoresearch-propose.yml",
      allowedPaths: ["train.py"],
      concurrency: 1,
      queueDepth: 1,
      timeoutMinutes: 10,
      anomalySeconds: 360,
      queuedAlertMinutes: 30,
      dashboardEverySeconds: 60,
      maxInfraRetries: 2,
      policy: {
        preDispatch: true,
        minImprovement: 0,
        simplicityCostPerLine: 0.00005,
        seedOnly: "discard",
        confirm: { below: 0, runs: 2 },
        baselineEvery: 0,
      },
      mergeMethod: "squash",
      deleteBranches: false,
      proposer: "sweep",
      notify: true,
      resultAuthors: ["github-actions[bot]"],
      labels: {
        experiment: "autoresearch",
        rerun: "autoresearch:rerun",
        keep: "autoresearch:keep",
        discard: "autoresearch:discard",
        crash: "autoresearch:crash",
        remeasure: "autoresearch:remeasure",
      },
    });
  });
});

describe("parseConfig: valid files", () => {
  it.each([
    ["null (empty YAML file)", null],
    ["undefined (no file)", undefined],
    ["empty mapping", {}],
  ])("%s → all defaults", (_name, raw) => {
    expect(parseConfig(raw)).toEqual({ ok: true, config: DEFAULT_CONFIG });
  });

  it("merges a partial file with the defaults, nested objects included", () => {
    const raw = parseYaml(
      ["concurrency: 4", "policy:", "  minImprovement: 0.001", "labels:", "  keep: kept"].join(
        "\n",
      ),
    );
    const parsed = parseConfig(raw);
    expect(parsed.ok && parsed.config).toEqual({
      ...DEFAULT_CONFIG,
      concurrency: 4,
      policy: { ...DEFAULT_CONFIG.policy, minImprovement: 0.001 },
      labels: { ...DEFAULT_CONFIG.labels, keep: "kept" },
    });
  });

  it("does not share the default arrays between parses", () => {
    const a = parseConfig({});
    const b = parseConfig({});
    if (!a.ok || !b.ok) throw new Error("defaults must parse");
    a.config.allowedPaths.push("model.py");
    expect(b.config.allowedPaths).toEqual(["train.py"]);
  });
});

describe("parseConfig: problems name the key and what is wrong", () => {
  it.each([
    [{ concurrency: 0 }, "concurrency", /too small/i],
    [{ concurrency: 65 }, "concurrency", /too big/i],
    [{ concurrency: 1.5 }, "concurrency", /expected int/],
    [{ queueDepth: 17 }, "queueDepth", /too big/i],
    [{ timeoutMinutes: 0 }, "timeoutMinutes", /too small/i],
    [{ maxInfraRetries: -1 }, "maxInfraRetries", /too small/i],
    [{ workflow: "train" }, "workflow", /file name in \.github\/workflows/],
    [{ workflow: ".github/workflows/train.yml" }, "workflow", /file name/],
    [{ allowedPaths: [] }, "allowedPaths", /at least one path/],
    [{ allowedPaths: ["train.py", "src/*.py"] }, "allowedPaths.1", /globs are not supported/],
    [{ allowedPaths: ["/train.py"] }, "allowedPaths.0", /leading \//],
    [{ allowedPaths: ["../x.py"] }, "allowedPaths.0", /'\.\.'/],
    [{ allowedPaths: ["model/"] }, "allowedPaths.0", /must name a file/],
    [{ policy: { minImprovement: -0.1 } }, "policy.minImprovement", /too small/i],
    [{ policy: { seedOnly: "keep" } }, "policy.seedOnly", /discard|allow/],
    [{ mergeMethod: "fast-forward" }, "mergeMethod", /squash/],
    [{ proposer: "gpt" }, "proposer", /sweep/],
    [{ notify: "yes" }, "notify", /boolean/],
    [{ labels: { keep: "" } }, "labels.keep", /too small/i],
    [{ concurency: 2 }, "concurency", /^unknown key: did you mean concurrency\?$/],
    [{ policy: { min_improvement: 1 } }, "policy.min_improvement", /did you mean minImprovement/],
    [{ labels: { merged: "x" } }, "labels.merged", /expected one of experiment, rerun, keep/],
    ["just a string", "", /YAML mapping/],
    [[1, 2], "", /YAML mapping/],
  ])("%j → %s", (raw, path, message) => {
    const parsed = parseConfig(raw);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toEqual([{ path, message: expect.stringMatching(message) }]);
  });

  it("reports every problem at once, one per unknown key", () => {
    const parsed = parseConfig({ workflows: "x.yml", policy: { a: 1, b: 2 }, concurrency: "2" });
    expect(parsed.ok === false && parsed.problems.map((p) => p.path)).toEqual([
      "concurrency",
      "policy.a",
      "policy.b",
      "workflows",
    ]);
  });
});

describe("closestKey", () => {
  const known = ["concurrency", "queueDepth", "timeoutMinutes", "policy"];
  it.each([
    ["concurency", "concurrency"],
    ["queue_depth", "queueDepth"],
    ["QueueDepth", "queueDepth"],
    ["timeoutMinute", "timeoutMinutes"],
    ["polcy", "policy"],
    ["gpus", null],
    ["timeout", null],
  ])("%s → %s", (key, expected) => {
    expect(closestKey(key, known)).toBe(expected);
  });
});

describe("configJsonSchema", () => {
  const schema = configJsonSchema() as {
    title: string;
    description: string;
    additionalProperties: boolean;
    required?: string[];
    properties: Record<string, { description?: string; default?: unknown; properties?: object }>;
  };

  it("is titled, strict and has every key optional", () => {
    expect(schema.title).toBe("autoresearch-bot configuration");
    expect(schema.description).toMatch(/\.github\/autoresearch\.yml/);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required ?? []).toEqual([]);
  });

  it("documents every key with a description and a default", () => {
    const keys = Object.keys(ConfigSchema.shape);
    expect(Object.keys(schema.properties)).toEqual(keys);
    for (const key of keys) {
      expect(schema.properties[key].description, key).toBeTruthy();
      expect(schema.properties[key].default, key).toEqual(
        DEFAULT_CONFIG[key as keyof typeof DEFAULT_CONFIG],
      );
    }
  });
});
