import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);

// src/core/experiment-branch.ts
var PREFIX = "autoresearch";
var MAX_TAG = 40;
var MAX_SLUG = 40;
var TAG_CHARS = /^[a-z0-9._-]+$/;
var HEADS = "refs/heads/";
var EXPERIMENT_SEPARATOR = "--";
function runBranch(tag) {
  return `${PREFIX}/${tag}`;
}
function validateTag(tag) {
  const hint = 'use lowercase letters, digits, ".", "_" or "-", e.g. "nov26"';
  if (tag.length === 0) return `the run tag is empty: ${hint}`;
  if (tag.length > MAX_TAG)
    return `the run tag "${tag}" is ${tag.length} characters long: use at most ${MAX_TAG}`;
  if (!TAG_CHARS.test(tag))
    return `the run tag "${tag}" has characters a branch name cannot carry here: ${hint}`;
  if (tag.startsWith("-") || tag.startsWith("."))
    return `the run tag "${tag}" starts with "${tag[0]}": start it with a letter or digit`;
  if (tag.includes(".."))
    return `the run tag "${tag}" contains "..", which git refuses in branch names`;
  if (tag.includes(EXPERIMENT_SEPARATOR) || tag.endsWith("-"))
    return `the run tag "${tag}" contains "--" or ends with "-": experiment branches are named <tag>--<n>-<slug>, so use a tag like "nov26"`;
  if (tag.endsWith(".") || tag.endsWith(".lock"))
    return `the run tag "${tag}" ends with "${tag.endsWith(".lock") ? ".lock" : "."}", which git refuses in branch names`;
  return null;
}
function slugify(description) {
  const words = description.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
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
function experimentBranch(tag, n, description) {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(
      `experiment number ${n} is not a whole number >= 0: number experiments 0, 1, 2, \u2026`
    );
  }
  return `${runBranch(tag)}${EXPERIMENT_SEPARATOR}${n}-${slugify(description)}`;
}
function stripHeads(ref) {
  if (ref.startsWith(HEADS)) return ref.slice(HEADS.length);
  return ref.startsWith("refs/") ? null : ref;
}
function parseExperimentBranch(ref) {
  const branch = stripHeads(ref);
  const m = branch === null ? null : /^autoresearch\/([^/]+?)--(.+)$/s.exec(branch);
  if (!m || validateTag(m[1]) !== null) return null;
  const [, tag, rest] = m;
  const numbered = /^(\d+)(?:-(.*))?$/s.exec(rest);
  const n = numbered ? Number(numbered[1]) : null;
  if (numbered && Number.isSafeInteger(n)) return { tag, n, slug: numbered[2] ?? "" };
  return { tag, n: null, slug: rest };
}
function parseRunBranch(ref) {
  const branch = stripHeads(ref);
  const m = branch === null ? null : /^autoresearch\/([^/]+)$/.exec(branch);
  return m && validateTag(m[1]) === null ? m[1] : null;
}

export {
  runBranch,
  validateTag,
  experimentBranch,
  parseExperimentBranch,
  parseRunBranch
};
