import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  parseExperimentBranch
} from "./chunk-G4P45L52.js";

// src/core/guard.ts
function guardExperiment(input) {
  if (!input.ref.startsWith("refs/heads/") || parseExperimentBranch(input.ref) === null) {
    return {
      ok: false,
      reason: "bad-ref",
      message: `refusing to train ${input.ref}: only experiment branches autoresearch/<tag>--<name> run on this runner`
    };
  }
  if (input.headRepository !== null && input.headRepository !== input.repository) {
    return {
      ok: false,
      reason: "bad-ref",
      message: `refusing to train a PR from ${input.headRepository}: experiments from forks never reach a runner`
    };
  }
  const outside = (input.changedFiles ?? []).filter((f) => !input.allowedPaths.includes(f));
  if (outside.length > 0) {
    return {
      ok: false,
      reason: "path-violation",
      paths: outside,
      message: `this PR changes ${outside.join(", ")}: only ${input.allowedPaths.join(", ")} may change (input allowed-paths)`
    };
  }
  return { ok: true };
}

export {
  guardExperiment
};
