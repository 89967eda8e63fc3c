import { cleanDescription } from "./results-tsv.js";

/** Used when the agent says nothing usable about its change. */
export const DEFAULT_DESCRIPTION = "agent proposal";
/** A PR title and a results.tsv cell, not an essay. */
export const MAX_DESCRIPTION = 120;
/** How far back in the agent's output its closing words are looked for. */
const OUTPUT_TAIL_LINES = 20;

export interface PickedDescription {
  text: string;
  from: "file" | "output" | "default";
}

/**
 * The experiment's one-line description: the first line the agent wrote to
 * $AUTORESEARCH_DESCRIPTION, else the first line of the end of its output
 * (coding-agent CLIs end with a summary), else "agent proposal".
 */
export function pickDescription(fileText: string | null, outputTail: string): PickedDescription {
  const fromFile = firstLine(fileText ?? "");
  if (fromFile) return { text: fromFile, from: "file" };
  const lastLines = outputTail
    .replace(/\r\n?/g, "\n")
    .trimEnd()
    .split("\n")
    .slice(-OUTPUT_TAIL_LINES);
  const fromOutput = firstLine(lastLines.join("\n"));
  if (fromOutput) return { text: fromOutput, from: "output" };
  return { text: DEFAULT_DESCRIPTION, from: "default" };
}

function firstLine(text: string): string | null {
  for (const raw of text.split(/\r?\n|\r/)) {
    const line = shorten(cleanDescription(stripMarkdown(raw)));
    if (line !== "") return line;
  }
  return null;
}

/** `## Lower the LR`, `- **lower LR**`, `> "lower LR"` → `lower LR`. */
function stripMarkdown(line: string): string {
  return line
    .trim()
    .replace(/^(?:#{1,6}\s+|[-*+>]\s+|\d+[.)]\s+)+/, "")
    .replace(/^(\*\*|__|`|"|')(.*)\1$/, "$2");
}

function shorten(line: string): string {
  if (line.length <= MAX_DESCRIPTION) return line;
  const cut = line.slice(0, MAX_DESCRIPTION - 1);
  const space = cut.lastIndexOf(" ");
  return `${space > MAX_DESCRIPTION / 2 ? cut.slice(0, space) : cut}…`;
}
