import Handlebars from "handlebars";

/**
 * Compiles a markdown template in its own Handlebars environment. HTML escaping is off
 * (it would mangle code blocks); templates escape user text explicitly with the helpers:
 *
 * - `{{text x}}`  inline markdown text: HTML-escaped so no `<!-- autoresearch:… -->` marker
 *                 can be smuggled into a body through a description, whitespace folded
 * - `{{cell x}}`  the same, also safe inside a table cell
 * - `{{code x}}`  inline code that can hold any text, table-safe
 * - `{{fence x lang}}` a fenced code block no backtick run inside can close
 */
export function compileTemplate<T>(source: string): (data: T) => string {
  const env = Handlebars.create();
  env.registerHelper("text", (value: unknown) => inlineText(String(value ?? "")));
  env.registerHelper("cell", (value: unknown) => tableCell(String(value ?? "")));
  env.registerHelper("code", (value: unknown) => inlineCode(String(value ?? "")));
  env.registerHelper("fence", (value: unknown, lang: unknown) =>
    fencedBlock(String(value ?? ""), typeof lang === "string" ? lang : ""),
  );
  const template = env.compile<T>(source, { noEscape: true, strict: true });
  return (data) => template(data);
}

export function inlineText(text: string): string {
  return escapeHtml(text.replace(/\s+/g, " ").trim());
}

export function tableCell(text: string): string {
  return inlineText(text).replaceAll("|", "\\|");
}

export function inlineCode(text: string): string {
  return `<code>${tableCell(text)}</code>`;
}

export function fencedBlock(text: string, lang = ""): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longestRun + 1));
  return `${fence}${lang}\n${text.replace(/\n+$/, "")}\n${fence}`;
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}
