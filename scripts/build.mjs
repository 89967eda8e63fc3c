// Bundles the runner action into dist/ (committed: runners execute it as is).
// `node scripts/build.mjs --outdir DIR` builds elsewhere (the staleness check uses it).
import { build } from "esbuild";

const i = process.argv.indexOf("--outdir");
const outdir = i > 0 ? process.argv[i + 1] : "dist";

await build({
  entryPoints: { index: "src/action/index.ts" },
  outdir,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  outExtension: { ".js": ".js" },
  loader: { ".hbs": "text" },
  legalComments: "none",
  logLevel: "warning",
  banner: {
    // CommonJS dependencies bundled into ESM still call require() for node builtins.
    js: "import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);",
  },
});
