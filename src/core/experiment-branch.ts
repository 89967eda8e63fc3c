/**
 * Branch names of a run: `autoresearch/<tag>` holds the chain of kept experiments,
 * `autoresearch/<tag>--<n>-<slug>` is one experiment's PR head.
 *
 * Not `autoresearch/<tag>/<n>-<slug>`: git stores refs as paths, so a branch
 * `autoresearch/nov26` and a branch `autoresearch/nov26/3-lr` cannot both exist
 * (GitHub refuses the second with 422). `--` keeps experiments beside the run branch.
 */

const PREFIX = "autoresearch";
const MAX_TAG = 40;
const MAX_SLUG = 40;
const TAG_CHARS = /^[a-z0-9._-]+$/;
const HEADS = "refs/heads/";
/** Between the run tag and the experiment's name; never inside a tag. */
export const EXPERIMENT_SEPARATOR = "--";

export interface ExperimentRef {
  tag: string;
  /** The number before the first `-`; null for a pushed branch named without one. */
  n: number | null;
  slug: string;
}

export function runBranch(tag: string): string {
  return `${PREFIX}/${tag}`;
}

/** Null when `tag` can name a run, else what is wrong with it and what to use instead. */
export function validateTag(tag: string): string | null {
  const hint = 'use lowercase letters, digits, ".", "_" or "-", e.g. "nov26"';
  if (tag.length === 0) return `the run tag is empty: ${hint}`;
  if (tag.length > MAX_TAG)
    return `the run tag "${tag}" is ${tag.length} characters long: use at most ${MAX_TAG}`;
  if (!TAG_CHARS.test(tag))
    return `the run tag "${tag}" has characters a branch name cannot carry here: ${hint}`;
  if (tag.startsWith("-") || tag.startsWith("."))
    return `the run tag "${tag}" starts with "${tag[0]}": start it with a letter or digit`;
  // Git itself refuses these in ref names.
  if (tag.includes(".."))
    return `the run tag "${tag}" contains "..", which git refuses in branch names`;
  if (tag.includes(EXPERIMENT_SEPARATOR) || tag.endsWith("-"))
    return `the run tag "${tag}" contains "--" or ends with "-": experiment branches are named <tag>--<n>-<slug>, so use a tag like "nov26"`;
  if (tag.endsWith(".") || tag.endsWith(".lock"))
    return `the run tag "${tag}" ends with "${tag.endsWith(".lock") ? ".lock" : "."}", which git refuses in branch names`;
  return null;
}

/** Lowercase ASCII words joined by `-`, at most 40 characters, cut at a word boundary when it can be. */
export function slugify(description: string): string {
  const words = description
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  let slug = "";
  for (const word of words) {
    const next = slug === "" ? word : `${slug}-${word}`;
    if (next.length > MAX_SLUG) {
      if (slug === "") slug = word.slice(0, MAX_SLUG);
      break;
    }
    slug = next;
  }
  return slug === "" ? "experiment" : slug;
}

export function experimentBranch(tag: string, n: number, description: string): string {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(
      `experiment number ${n} is not a whole number >= 0: number experiments 0, 1, 2, …`,
    );
  }
  return `${runBranch(tag)}${EXPERIMENT_SEPARATOR}${n}-${slugify(description)}`;
}

function stripHeads(ref: string): string | null {
  if (ref.startsWith(HEADS)) return ref.slice(HEADS.length);
  // Tags, pull refs and other namespaces are never experiments.
  return ref.startsWith("refs/") ? null : ref;
}

/** `autoresearch/<tag>--<n>-<slug>` (bare or under refs/heads/) → its parts; anything else → null. */
export function parseExperimentBranch(ref: string): ExperimentRef | null {
  const branch = stripHeads(ref);
  const m = branch === null ? null : /^autoresearch\/([^/]+?)--(.+)$/s.exec(branch);
  if (!m || validateTag(m[1]) !== null) return null;
  const [, tag, rest] = m;
  const numbered = /^(\d+)(?:-(.*))?$/s.exec(rest);
  const n = numbered ? Number(numbered[1]) : null;
  if (numbered && Number.isSafeInteger(n)) return { tag, n, slug: numbered[2] ?? "" };
  return { tag, n: null, slug: rest };
}

/** `autoresearch/<tag>` (bare or under refs/heads/) → the tag; anything else → null. */
export function parseRunBranch(ref: string): string | null {
  const branch = stripHeads(ref);
  const m = branch === null ? null : /^autoresearch\/([^/]+)$/.exec(branch);
  return m && validateTag(m[1]) === null ? m[1] : null;
}
