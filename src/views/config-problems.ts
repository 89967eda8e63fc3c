import { CONFIG_PATH, type ConfigProblem, configJsonSchema } from "../core/config.js";
import template from "../templates/config-problems.hbs";
import { compileTemplate } from "./compile-template.js";

export const CONFIG_DOCS_URL =
  "https://github.com/autoresearch-bot/autoresearch-bot/blob/main/docs/config.md";

export interface ConfigProblemsInput {
  path?: string;
  problems: readonly ConfigProblem[];
  docsUrl?: string;
}

interface ConfigProblemsView {
  path: string;
  single: boolean;
  problems: { key: string; message: string; help: string | null }[];
  docsUrl: string;
}

interface SchemaNode {
  description?: string;
  default?: unknown;
  properties?: Record<string, SchemaNode>;
}

const render = compileTemplate<ConfigProblemsView>(template);

/** The "action required" issue body for a config file that does not validate. */
export function renderConfigProblems(input: ConfigProblemsInput): string {
  const schema = configJsonSchema() as SchemaNode;
  return render({
    path: input.path ?? CONFIG_PATH,
    single: input.problems.length === 1,
    problems: input.problems.map((p) => ({
      key: p.path,
      message: p.message,
      help: keyHelp(schema, p.path),
    })),
    docsUrl: input.docsUrl ?? CONFIG_DOCS_URL,
  });
}

/** What the key is for and its default, so the fix is clear without opening the docs. */
function keyHelp(schema: SchemaNode, path: string): string | null {
  // "allowedPaths.0" is explained by its array; an unknown key has no help (its message does).
  const keys = path.split(".").filter((key) => key !== "" && !/^\d+$/.test(key));
  if (keys.length === 0) return null;
  let node: SchemaNode | undefined = schema;
  for (const key of keys) {
    node =
      node?.properties && Object.hasOwn(node.properties, key) ? node.properties[key] : undefined;
  }
  if (!node?.description) return null;
  const value = node.default;
  const plain = value !== undefined && (typeof value !== "object" || Array.isArray(value));
  return plain
    ? `${node.description} Leave it out to use the default, ${JSON.stringify(value)}.`
    : node.description;
}
