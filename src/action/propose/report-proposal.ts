import * as core from "@actions/core";
import { type ProposeOutputs, proposeOutputs } from "../../core/propose-outputs.js";
import { fencedBlock, inlineCode, tableCell } from "../../views/compile-template.js";

/** How a propose job ended, as outputs, the job summary and the log show it. */
export interface ProposeOutcome extends ProposeOutputs {
  tag: string;
  n: number;
  changed: readonly string[];
  /** The end of the agent's output ("" when it never ran). */
  agentOutput: string;
}

const SUMMARY_OUTPUT_LINES = 40;

export async function reportProposal(outcome: ProposeOutcome): Promise<void> {
  for (const [name, value] of Object.entries(proposeOutputs(outcome))) core.setOutput(name, value);
  await core.summary.addRaw(proposalSummary(outcome)).write();
  const line = `[propose ${outcome.tag} #${outcome.n}] ${outcome.status}: ${outcome.reason}`;
  if (outcome.status === "proposed") core.info(line);
  else core.setFailed(line);
}

export function proposalSummary(outcome: ProposeOutcome): string {
  const rows = [
    ["status", `**${outcome.status}**`],
    ["reason", tableCell(outcome.reason)],
    ["description", tableCell(outcome.description) || "—"],
    ["branch", outcome.branch ? inlineCode(outcome.branch) : "—"],
    ["changed", outcome.changed.map(inlineCode).join(", ") || "—"],
  ];
  const output = outcome.agentOutput.trimEnd().split("\n").slice(-SUMMARY_OUTPUT_LINES).join("\n");
  return [
    `### autoresearch: proposal for experiment #${outcome.n} of run ${inlineCode(outcome.tag)}`,
    "",
    "| | |",
    "| --- | --- |",
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    "",
    ...(output
      ? [
          `<details><summary>The agent's output (last ${SUMMARY_OUTPUT_LINES} lines)</summary>`,
          "",
          fencedBlock(output),
          "",
          "</details>",
          "",
        ]
      : []),
  ].join("\n");
}
