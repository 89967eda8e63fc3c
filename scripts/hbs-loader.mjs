// Node module hook: `import template from "./x.hbs"` yields the file's text,
// the same as esbuild's text loader does in the bundle and vitest's plugin in tests.
import { readFile } from "node:fs/promises";

export async function load(url, context, nextLoad) {
  if (!url.endsWith(".hbs")) return nextLoad(url, context);
  const text = await readFile(new URL(url), "utf8");
  return {
    format: "module",
    shortCircuit: true,
    source: `export default ${JSON.stringify(text)};`,
  };
}
