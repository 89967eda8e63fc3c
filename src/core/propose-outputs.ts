import type { ProposeStatus } from "./propose-validation.js";

/** The job outputs of propose mode (`status` is shared with train mode, with other values). */
export interface ProposeOutputs {
  status: ProposeStatus;
  /** One sentence: what was created, or why nothing was. */
  reason: string;
  /** The experiment branch; "" unless proposed. */
  branch: string;
  /** The experiment's one-line description; "" when the proposal was refused. */
  description: string;
}

export function proposeOutputs(outcome: ProposeOutputs): Record<keyof ProposeOutputs, string> {
  return {
    status: outcome.status,
    reason: outcome.reason,
    branch: outcome.branch,
    description: outcome.description,
  };
}
