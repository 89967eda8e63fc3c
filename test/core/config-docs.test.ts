import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import {
  buildConfigDocs,
  buildSchemaFile,
  DOCS_FILE,
  SCHEMA_FILE,
} from "../../scripts/gen-config-schema.js";
import { ConfigSchema, configJsonSchema, parseConfig } from "../../src/core/config.js";

const REGENERATE = "run `node --import ./scripts/register.mjs scripts/gen-config-schema.ts`";
const committed = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");

describe("generated config files are up to date", () => {
  it.each([
    [SCHEMA_FILE, buildSchemaFile],
    [DOCS_FILE, buildConfigDocs],
  ])(`%s matches the schema (if not, ${REGENERATE})`, (file, build) => {
    expect(committed(file), REGENERATE).toBe(build());
  });
});

describe("docs/config.md", () => {
  it("has a table row for every key, nested keys dotted", () => {
    const docs = buildConfigDocs();
    type Field = { def: { innerType?: { shape?: Record<string, Field> } } };
    const keysOf = (prefix: string, shape: Record<string, Field>): string[] =>
      Object.entries(shape).flatMap(([key, field]) => {
        const path = prefix + key;
        const inner = field.def.innerType?.shape;
        return inner ? [path, ...keysOf(`${path}.`, inner)] : [path];
      });
    const leaves = keysOf("", ConfigSchema.shape as unknown as Record<string, Field>);
    const rows = docs.split("\n").filter((line) => line.startsWith("| `"));
    expect(rows.map((row) => row.split("`")[1])).toEqual(leaves);
  });

  it("describes types and defaults", () => {
    const docs = buildConfigDocs();
    expect(docs).toContain("| `concurrency` | integer 1–64 | `1` |");
    expect(docs).toContain("| `timeoutMinutes` | number > 0 | `10` |");
    expect(docs).toContain("| `mergeMethod` | `squash`, `merge` or `rebase` | `squash` |");
    expect(docs).toContain('| `allowedPaths` | string[] (at least 1) | `["train.py"]` |');
  });
});

describe("the JSON Schema agrees with parseConfig", () => {
  const validate = new Ajv2020({ strict: false }).compile(configJsonSchema());
  it.each([
    [{}, true],
    [{ concurrency: 8, policy: { seedOnly: "allow" }, labels: { keep: "won" } }, true],
    [{ concurrency: 0 }, false],
    [{ queueDepth: 2.5 }, false],
    [{ timeoutMinutes: 0 }, false],
    [{ concurency: 2 }, false],
    [{ policy: { minImprovment: 0 } }, false],
    [{ mergeMethod: "ff" }, false],
    [{ workflow: "dir/train.yml" }, false],
    [{ allowedPaths: [] }, false],
  ])("%j → valid %s", (raw, valid) => {
    expect(validate(raw)).toBe(valid);
    expect(parseConfig(raw).ok).toBe(valid);
  });
});
