import { type CST, Parser, parseDocument, type YAMLError } from "yaml";
import { type ConfigParse, type ConfigProblem, parseConfig } from "./config.js";

/**
 * Limits on the text of `.github/autoresearch.yml`. The file is written by
 * anyone who can push to the default branch and read on every pass, so a
 * hostile or broken file must end as a config problem, never as a thrown
 * error or a pass that runs out of memory.
 */
export const CONFIG_TEXT_LIMITS = {
  /** A full config is ~2 KiB; 64 KiB leaves room for comments and still parses in milliseconds. */
  maxBytes: 64 * 1024,
  /** Aliases are legal YAML; this many stops "billion laughs" expansion long before it costs memory. */
  maxAliasCount: 100,
  /**
   * A config nests three levels (policy.confirm.runs). YAML composes nested
   * collections recursively, and a stack overflow there can abort the whole
   * process (V8 fails fatally when it strikes while compiling a RegExp), so
   * depth is measured first, on the stack-free concrete syntax tree.
   */
  maxDepth: 32,
} as const;

/**
 * Parses the file's text (null: no file, all defaults) into a config or the
 * list of problems. Never throws: YAML syntax errors, duplicate keys, several
 * documents, unresolved tags, alias bombs and oversized files are problems on
 * the file itself (path ""), with the line to fix where YAML knows it.
 */
export function parseConfigText(text: string | null): ConfigParse {
  if (text === null) return parseConfig(null);
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > CONFIG_TEXT_LIMITS.maxBytes) return configTooLarge(bytes);
  const read = readYaml(text);
  return "problems" in read ? { ok: false, problems: read.problems } : parseConfig(read.value);
}

/** The problem for a file too large to read (GitHub serves files over 1 MB without content). */
export function configTooLarge(bytes: number): ConfigParse {
  const kib = (n: number) => `${Math.ceil(n / 1024)} KiB`;
  return {
    ok: false,
    problems: [
      {
        path: "",
        message: `the file is ${kib(bytes)}, over the ${kib(CONFIG_TEXT_LIMITS.maxBytes)} limit: keep only the keys you change`,
      },
    ],
  };
}

function readYaml(text: string): { value: unknown } | { problems: ConfigProblem[] } {
  try {
    if (nestingDepth(text) > CONFIG_TEXT_LIMITS.maxDepth) {
      return { problems: [{ path: "", message: tooDeep }] };
    }
    const doc = parseDocument(text, {
      uniqueKeys: true,
      merge: false,
      prettyErrors: true,
      strict: true,
    });
    // Warnings count too: an unknown tag like !!js/function would otherwise be read as a string.
    // Only the first: later ones are mostly echoes of it (one unclosed bracket can raise hundreds).
    const [first, ...more] = [...doc.errors, ...doc.warnings];
    if (first) return { problems: [yamlProblem(first, more.length)] };
    return { value: doc.toJS({ maxAliasCount: CONFIG_TEXT_LIMITS.maxAliasCount }) };
  } catch (error) {
    return { problems: [{ path: "", message: unreadable(error) }] };
  }
}

function yamlProblem(error: YAMLError, more: number): ConfigProblem {
  const at = error.linePos?.[0];
  const where = at ? `line ${at.line}, column ${at.col}` : "the file";
  // prettyErrors appends " at line L, column C:" and a source excerpt; the excerpt would break the list.
  let reason = firstLine(error.message).replace(/ at line \d+, column \d+:?$/, "");
  if (error.code === "RESOURCE_EXHAUSTION" || /call stack/i.test(reason)) {
    reason = tooDeep;
  }
  const after = more > 0 ? ` (and ${more} more problem(s) after it)` : "";
  return { path: "", message: `not valid YAML at ${where}: ${reason}${after}` };
}

// toJS throws a plain ReferenceError for an alias bomb or an alias to a missing anchor.
function unreadable(error: unknown): string {
  const reason = error instanceof Error ? firstLine(error.message) : String(error);
  if (/alias count/i.test(reason)) {
    return `the file expands YAML aliases more than ${CONFIG_TEXT_LIMITS.maxAliasCount} times (an alias bomb?): write the values out instead of repeating anchors`;
  }
  return `not readable as YAML: ${reason}`;
}

const tooDeep = `the file nests more than ${CONFIG_TEXT_LIMITS.maxDepth} levels deep: a config needs at most three`;

/** The deepest nesting of collections, walked with an explicit stack so depth cannot overflow it. */
export function nestingDepth(text: string): number {
  let deepest = 0;
  const stack: [CST.Token | undefined, number][] = [];
  for (const token of new Parser().parse(text)) stack.push([token, 0]);
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [token, depth] = next;
    if (token?.type === "document") stack.push([token.value, depth]);
    if (
      token?.type === "block-map" ||
      token?.type === "block-seq" ||
      token?.type === "flow-collection"
    ) {
      deepest = Math.max(deepest, depth + 1);
      for (const item of token.items) {
        if ("key" in item) stack.push([item.key ?? undefined, depth + 1]);
        stack.push([item.value, depth + 1]);
      }
    }
  }
  return deepest;
}

function firstLine(message: string): string {
  return message.split("\n", 1)[0].trim();
}
