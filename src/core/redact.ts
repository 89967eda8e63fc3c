/**
 * Keeps secret values out of what training leaves behind (run.log, the PR comment's log tail):
 * every value of a secret-looking variable of the step's environment, plus the values a workflow
 * lists in the `redact` input, becomes `***`.
 */
export const REDACTED = "***";

/** Shorter values (`true`, `1`, `us`) are too common in a log to be worth hiding. */
export const MIN_SECRET_LENGTH = 6;

const SECRET_NAME = /TOKEN|KEY|SECRET|PASSWORD/i;

/** Whether a variable of this name holds a secret (`HF_TOKEN`, `WANDB_API_KEY`, `DB_PASSWORD`, …). */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** The values to hide: secret-named variables' values and the extra ones, long ones only, deduplicated. */
export function secretValues(
  env: Readonly<Record<string, string | undefined>>,
  extra: readonly string[] = [],
): string[] {
  const named = Object.entries(env)
    .filter(([name, value]) => value !== undefined && isSecretName(name))
    .map(([, value]) => value as string);
  const values = [...named, ...extra].map((v) => v.trim()).filter(worthHiding);
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}

function worthHiding(value: string): boolean {
  return value.length >= MIN_SECRET_LENGTH && !/^\**$/.test(value);
}

/** Replaces every secret in `text` (the longest one wins where two start at the same place). */
export function redactText(text: string, secrets: readonly string[]): string {
  const pattern = secretPattern(secrets);
  return pattern === null ? text : text.replace(pattern, REDACTED);
}

/**
 * A redactor for a stream read in chunks: `push` returns what is safe to write now, holding back
 * just enough of the end to catch a secret cut in two by a chunk boundary; `end` returns the rest.
 * Text is taken as given: callers decode bytes as latin1 (and encode the secrets the same way) so
 * that every byte of the log survives unchanged.
 */
export interface StreamRedactor {
  push(chunk: string): string;
  end(): string;
}

export function createStreamRedactor(secrets: readonly string[]): StreamRedactor {
  const pattern = secretPattern(secrets);
  const hold = Math.max(0, ...secrets.map((s) => s.length)) - 1;
  let pending = "";
  return {
    push(chunk) {
      if (pattern === null) return chunk;
      pending += chunk;
      // A secret starting before `safe` lies wholly inside `pending`: it can be decided now.
      const safe = pending.length - hold;
      if (safe <= 0) return "";
      let out = "";
      let from = 0;
      pattern.lastIndex = 0;
      for (let m = pattern.exec(pending); m !== null && m.index < safe; m = pattern.exec(pending)) {
        out += pending.slice(from, m.index) + REDACTED;
        from = m.index + m[0].length;
      }
      const cut = Math.max(from, safe);
      out += pending.slice(from, cut);
      pending = pending.slice(cut);
      return out;
    },
    end() {
      const rest = pattern === null ? pending : pending.replace(pattern, REDACTED);
      pending = "";
      return rest;
    },
  };
}

function secretPattern(secrets: readonly string[]): RegExp | null {
  const usable = [...new Set(secrets.filter((s) => s.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  if (usable.length === 0) return null;
  return new RegExp(usable.map(escapeRegExp).join("|"), "g");
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
