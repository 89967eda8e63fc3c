/**
 * Known inaccuracies of GitHub's REST description where GitHub itself answers differently,
 * each confirmed by an upstream issue. The sandbox answers what GitHub answers, so without
 * these its truthful responses would be recorded as violations. Each erratum changes one
 * node of one component schema to accept exactly what GitHub sends there, nothing more; an
 * erratum whose node no longer looks as expected throws, so a fixed upstream spec makes us
 * delete the erratum instead of carrying it silently.
 */
import type { Ajv } from "ajv";

type Json = Record<string, unknown>;

export interface SpecErratum {
  /** Component schema name (`#/components/schemas/<schema>`). */
  schema: string;
  /** JSON pointer inside that schema. */
  pointer: string;
  /** What the node must look like for the erratum to apply (the inaccuracy itself). */
  expect: (node: Json) => boolean;
  /** The node as GitHub really answers. */
  fix: (node: Json) => Json;
  /** Upstream evidence that GitHub answers this way. */
  evidence: string;
}

/**
 * GitHub's noreply address for an app's bot user: `<id>+<slug>[bot]@users.noreply.github.com`
 * (also without the id, as `github-actions[bot]` often appears). The brackets are not valid in
 * an RFC 5321 local part, yet GitHub puts these addresses on every commit an app makes.
 */
const BOT_NOREPLY_EMAIL =
  /^(?:\d+\+)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\[bot\]@users\.noreply\.github\.com$/i;

/** A commit author/committer email as GitHub returns it: an email, or a bot noreply address. */
export const COMMIT_EMAIL_FORMAT = "github-commit-email";

const isStrictEmail = (node: Json) => node.type === "string" && node.format === "email";
const asCommitEmail = (node: Json): Json => ({ ...node, format: COMMIT_EMAIL_FORMAT });

const commitEmailErrata: SpecErratum[] = ["simple-commit", "nullable-simple-commit"].flatMap(
  (schema) =>
    ["author", "committer"].map((who) => ({
      schema,
      pointer: `/properties/${who}/properties/email`,
      expect: isStrictEmail,
      fix: asCommitEmail,
      evidence: "https://github.com/github/rest-api-description/issues/6355",
    })),
);

export const SPEC_ERRATA: readonly SpecErratum[] = [
  {
    // `pull-request` (pulls/get) already says nullable; labels added by name to an issue are
    // created with a null description, and pulls/list returns it as null.
    schema: "pull-request-simple",
    pointer: "/properties/labels/items/properties/description",
    expect: (node) => node.type === "string" && node.nullable !== true,
    fix: (node) => ({ ...node, nullable: true }),
    evidence:
      "https://github.com/github/rest-api-description/issues/1812 (null descriptions: https://github.com/github/docs/issues/18857)",
  },
  ...commitEmailErrata,
];

/** Returns copies of the component schemas with every erratum applied. */
export function applySpecErrata(
  schemas: Record<string, Json>,
  errata: readonly SpecErratum[] = SPEC_ERRATA,
): Record<string, Json> {
  const out = { ...schemas };
  for (const erratum of errata) {
    const root = out[erratum.schema];
    if (!root) throw staleErratum(erratum, "the schema is gone");
    const fixed = replaceAt(root, pointerSegments(erratum.pointer), (node) =>
      erratum.expect(node) ? erratum.fix(node) : undefined,
    );
    if (!fixed) throw staleErratum(erratum, "the node is missing or already accepts it");
    out[erratum.schema] = fixed;
  }
  return out;
}

/** Registers the formats errata introduce. */
export function addErrataFormats(ajv: Ajv): Ajv {
  const email = ajv.formats.email;
  if (!(email instanceof RegExp)) throw new Error("ajv-formats must be added before the errata");
  ajv.addFormat(
    COMMIT_EMAIL_FORMAT,
    (value: string) => BOT_NOREPLY_EMAIL.test(value) || email.test(value),
  );
  return ajv;
}

function staleErratum(erratum: SpecErratum, detail: string): Error {
  return new Error(
    `spec erratum ${erratum.schema}${erratum.pointer} no longer applies (${detail}): the description ` +
      `may have been fixed upstream (${erratum.evidence}); remove the erratum from sandbox/spec-errata.ts`,
  );
}

function pointerSegments(pointer: string): string[] {
  return pointer
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Copy-on-write replacement (the parsed description stays untouched); undefined if it cannot. */
function replaceAt(
  node: Json,
  path: string[],
  replace: (node: Json) => Json | undefined,
): Json | undefined {
  if (path.length === 0) return replace(node);
  const [key, ...rest] = path;
  const child = node[key];
  if (!child || typeof child !== "object") return undefined;
  const replaced = replaceAt(child as Json, rest, replace);
  return replaced && { ...node, [key]: replaced };
}
