import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);

// src/core/redact.ts
var REDACTED = "***";
var MIN_SECRET_LENGTH = 6;
var SECRET_NAME = /TOKEN|KEY|SECRET|PASSWORD/i;
function isSecretName(name) {
  return SECRET_NAME.test(name);
}
function secretValues(env, extra = []) {
  const named = Object.entries(env).filter(([name, value]) => value !== void 0 && isSecretName(name)).map(([, value]) => value);
  const values = [...named, ...extra].map((v) => v.trim()).filter(worthHiding);
  return [...new Set(values)].sort((a, b) => b.length - a.length);
}
function worthHiding(value) {
  return value.length >= MIN_SECRET_LENGTH && !/^\**$/.test(value);
}
function redactText(text, secrets) {
  const pattern = secretPattern(secrets);
  return pattern === null ? text : text.replace(pattern, REDACTED);
}
function createStreamRedactor(secrets) {
  const pattern = secretPattern(secrets);
  const hold = Math.max(0, ...secrets.map((s) => s.length)) - 1;
  let pending = "";
  return {
    push(chunk) {
      if (pattern === null) return chunk;
      pending += chunk;
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
    }
  };
}
function secretPattern(secrets) {
  const usable = [...new Set(secrets.filter((s) => s.length > 0))].sort(
    (a, b) => b.length - a.length
  );
  if (usable.length === 0) return null;
  return new RegExp(usable.map(escapeRegExp).join("|"), "g");
}
function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

export {
  REDACTED,
  secretValues,
  redactText,
  createStreamRedactor
};
