import * as z from "zod";
import { hiddenBlock } from "./hidden-block.js";
import { TrainResultSchema } from "./result-marker.js";

export const Phase = z.enum(["queued", "training", "decided", "rejected"]);
export type Phase = z.infer<typeof Phase>;

/** keep/discard/crash judge a change; remeasure records a re-measurement of the unchanged run head. */
export const VerdictStatus = z.enum(["keep", "discard", "crash", "remeasure"]);
export type VerdictStatus = z.infer<typeof VerdictStatus>;

/** Which stage of the built-in sweep proposed an experiment (see core/sweep-proposer.ts). */
export const SweepStage = z.enum(["neighbourhood", "pattern", "combine", "perturb"]);
export type SweepStage = z.infer<typeof SweepStage>;

export const VerdictSchema = z.object({
  status: VerdictStatus,
  /** One sentence a reviewer understands: the numbers and the rule applied. */
  reason: z.string(),
  /** val_bpb minus the best it was compared against; null for crashes and the first experiment. */
  delta: z.number().nullable(),
  /** The best val_bpb it was compared against, null for the first experiment. */
  best: z.number().nullable(),
  /** Notes such as "anomalous", "seed-only", "infra". */
  flags: z.array(z.string()),
  /** The run's noise floor (median absolute deviation of val_bpb) when it was decided, if measured. */
  noise: z.number().nullish(),
});
export type Verdict = z.infer<typeof VerdictSchema>;

/**
 * Everything the app knows about one experiment PR, stored in its body as
 * `<!-- autoresearch:state {json} -->`. The PR trail is the database.
 */
export const ExperimentStateSchema = z.object({
  v: z.literal(1),
  tag: z.string(),
  n: z.number().int().nonnegative(),
  description: z.string(),
  /** remeasure: the run head trained again unchanged (policy.baselineEvery), never merged. */
  source: z.enum(["baseline", "sweep", "agent", "push", "remeasure"]),
  /** Run-branch head the experiment was made on. */
  base_sha: z.string(),
  /** Head sha that was (or will be) trained. */
  head_sha: z.string(),
  phase: Phase,
  /** Training dispatches so far (reruns and infra retries included). */
  attempts: z.number().int().nonnegative(),
  /** Consecutive dispatches that ended without a result marker. */
  infra_failures: z.number().int().nonnegative(),
  /** ISO time of the last dispatch, for the heartbeat. */
  dispatched_at: z.string().nullable(),
  /** The workflow run the app's last dispatch started: only its result counts. */
  run_id: z.number().int().nullish(),
  result: TrainResultSchema.nullable(),
  verdict: VerdictSchema.nullable(),
  /** The proposer's identity of this variant (sweep: `NAME=value`), so it is never proposed twice. */
  key: z.string().nullish(),
  /**
   * What training sees: the git blob sha of each allowed file at the head (core/variant-id.ts),
   * recorded when the app makes the head, so "already tried?" needs no read per PR. Absent in
   * older blocks and where the app does not know every allowed file's blob.
   */
  variant: z.string().nullish(),
  /** The sweep stage that proposed it (sweep experiments only). */
  stage: SweepStage.nullish(),
  /**
   * Lines the app's own change adds and removes, for the head it made (`head_sha`): judging
   * it then needs no read of the PR's files. Any other head is judged from GitHub's diff.
   */
  diff: z
    .object({
      head_sha: z.string(),
      added: z.number().int().min(0),
      removed: z.number().int().min(0),
    })
    .nullish(),
  /** When the verdict was recorded: orders the ledger as decisions happened. */
  decided_at: z.string().nullish(),
  /** val_bpb of earlier runs of this head that policy.confirm asked for, oldest first. */
  confirmations: z.array(z.number()).nullish(),
  /** Every val_bpb of the head it was decided on, oldest first, when policy.confirm trained it more than once. */
  runs: z.array(z.number()).nullish(),
  /** Why it never trained (rejected) or was closed without a verdict (superseded, stopped). */
  note: z.string().nullish(),
});
export type ExperimentState = z.infer<typeof ExperimentStateSchema>;

/** A new experiment, queued to train `headSha` made on `baseSha`. */
export function newExperiment(fields: {
  tag: string;
  n: number;
  description: string;
  source: ExperimentState["source"];
  baseSha: string;
  headSha: string;
  key: string | null;
  variant?: string | null;
  stage?: SweepStage | null;
  diff?: { added: number; removed: number } | null;
}): ExperimentState {
  return {
    v: 1,
    tag: fields.tag,
    n: fields.n,
    description: fields.description,
    source: fields.source,
    base_sha: fields.baseSha,
    head_sha: fields.headSha,
    phase: "queued",
    attempts: 0,
    infra_failures: 0,
    dispatched_at: null,
    result: null,
    verdict: null,
    key: fields.key,
    ...(fields.variant ? { variant: fields.variant } : {}),
    ...(fields.stage ? { stage: fields.stage } : {}),
    ...(fields.diff ? { diff: { head_sha: fields.headSha, ...fields.diff } } : {}),
  };
}

/** The state block in an experiment PR's body. Read it through `trustExperimentPull`: only the app's own blocks count. */
export const stateBlock = hiddenBlock("state", ExperimentStateSchema);

/** The state in a body, unverified: for observers (tests, the demo), never for decisions. */
export function readStateBlock(body: string | null | undefined): ExperimentState | null {
  return stateBlock.read(body)?.value ?? null;
}

export function renderStateBlock(state: ExperimentState, mac: string | null): string {
  return stateBlock.render(state, mac);
}

/** Replaces the state block in a body (or appends one), leaving the rest as it was. */
export function withStateBlock(body: string, state: ExperimentState, mac: string | null): string {
  return stateBlock.replace(body, state, mac);
}
