import { DEFAULT_CONFIG } from "../core/config.js";
import { formatBpb } from "../core/digest.js";
import { type ExperimentState, withStateBlock } from "../core/state-block.js";
import template from "../templates/pr-body.hbs";
import { compileTemplate, inlineCode } from "./compile-template.js";

export interface PrBodyInput {
  description: string;
  source: ExperimentState["source"];
  /** Lines of the allowed paths, against the PR base. */
  diff: { added: number; removed: number; files: string[] };
  /** The run's best at the time the PR was made; null for the first experiment. */
  comparedAgainst: { baseSha: string; bestValBpb: number | null; bestPr: number | null } | null;
  state: ExperimentState;
  /** Label that re-runs a PR (config labels.rerun). */
  rerunLabel?: string;
}

interface PrBodyView {
  description: string;
  n: number;
  tag: string;
  source: string;
  change: string;
  comparedAgainst: string;
  rerunLabel: string;
}

const SOURCES: Record<ExperimentState["source"], string> = {
  baseline: "the baseline: the code as it is, measured first",
  sweep: "the built-in sweep proposer",
  agent: "the agent proposer",
  push: "a pushed branch",
  remeasure:
    "a re-measurement of the unchanged run head (policy.baselineEvery): trained for the noise floor, never merged",
};

const render = compileTemplate<PrBodyView>(template);

/** An experiment PR's body: what it tries, what it changes, and its hidden state block. */
export function renderPrBody(input: PrBodyInput): string {
  const body = render({
    description: input.description,
    n: input.state.n,
    tag: input.state.tag,
    source: SOURCES[input.source],
    change: changeText(input.diff),
    comparedAgainst: comparedText(input.comparedAgainst),
    rerunLabel: input.rerunLabel ?? DEFAULT_CONFIG.labels.rerun,
  });
  return withStateBlock(body, input.state, null);
}

function changeText(diff: PrBodyInput["diff"]): string {
  if (diff.files.length === 0) return "no files changed";
  const files = diff.files.map(inlineCode).join(", ");
  return `+${diff.added} / −${diff.removed} lines in ${files}`;
}

function comparedText(against: PrBodyInput["comparedAgainst"]): string {
  if (against === null) return "nothing yet: this is the run's first measurement";
  const at = `run branch at ${inlineCode(against.baseSha.slice(0, 7))}`;
  if (against.bestValBpb === null) return `${at}, not measured yet`;
  const from = against.bestPr === null ? "" : ` from #${against.bestPr}`;
  return `best val_bpb ${formatBpb(against.bestValBpb)}${from}, ${at}`;
}
