import type { AgentPromptData } from "../core/propose-prompt.js";
import template from "../templates/agent-prompt.hbs";
import { compileTemplate } from "./compile-template.js";

const render = compileTemplate<AgentPromptData>(template);

/** The prompt file the agent reads ($AUTORESEARCH_PROMPT): program, rules, the run so far. */
export function renderAgentPrompt(data: AgentPromptData): string {
  return `${render(data).trimEnd()}\n`;
}
