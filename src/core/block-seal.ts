import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The app's signature on the state it keeps in GitHub (PR state blocks, the dashboard's run
 * block): HMAC-SHA256 over the block's canonical JSON and its scope (repository plus the PR
 * branch or run tag), so a block is only valid where the app wrote it. Two keys make the secret
 * rotatable: blocks sealed with the previous key still count and are sealed again with the new one.
 */
export interface SealKeys {
  current: string;
  previous: string | null;
}

export type SealCheck = "current" | "previous" | "missing" | "invalid";

export interface Sealer {
  seal(scope: string, payload: unknown): string;
  check(scope: string, payload: unknown, mac: string | null | undefined): SealCheck;
}

/** Which secret signs the app's state: STATE_SECRET, else one derived from WEBHOOK_SECRET. */
export function sealKeys(env: {
  STATE_SECRET?: string;
  STATE_SECRET_PREVIOUS?: string;
  WEBHOOK_SECRET?: string;
}): SealKeys | null {
  const derived = env.WEBHOOK_SECRET
    ? createHmac("sha256", env.WEBHOOK_SECRET).update("autoresearch-bot state v1").digest("hex")
    : null;
  const current = env.STATE_SECRET || derived;
  if (!current) return null;
  return { current, previous: env.STATE_SECRET_PREVIOUS || null };
}

export function createSealer(keys: SealKeys): Sealer {
  const mac = (key: string, scope: string, payload: unknown) =>
    createHmac("sha256", key)
      .update(`${scope}\n${canonicalJson(payload)}`)
      .digest("hex");
  const same = (a: string, b: string) =>
    a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
  return {
    seal: (scope, payload) => mac(keys.current, scope, payload),
    check(scope, payload, given) {
      if (!given) return "missing";
      if (same(given, mac(keys.current, scope, payload))) return "current";
      if (keys.previous && same(given, mac(keys.previous, scope, payload))) return "previous";
      return "invalid";
    },
  };
}

/** Where an experiment's state is valid: its repository and head branch (one app PR per branch). */
export const experimentScope = (repository: string, headRef: string) =>
  `experiment ${repository.toLowerCase()} ${headRef}`;

/** Where a run block is valid: its repository and tag. */
export const runScope = (repository: string, tag: string) =>
  `run ${repository.toLowerCase()} ${tag}`;

/** JSON with object keys sorted at every level, undefined members dropped: one text per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
}
