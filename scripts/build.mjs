// Bundles the runner action into dist/ (committed: runners execute it as is), and the app's
// server and the CLI (committed too: `npm start` and `autoresearch` run them with no TypeScript
// loader). `node scripts/build.mjs --outdir DIR` builds elsewhere (the staleness check uses it).
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
  // A worktree whose node_modules is a symlink builds the same bytes as a checkout.
  preserveSymlinks: true,
  banner: {
    // CommonJS dependencies bundled into ESM still call require() for node builtins.
    js: "import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);",
  },
});

// The server and the CLI run where `npm ci` installed node_modules: dependencies stay imports
// (pino's worker-thread transports, Probot's views and static files load from their packages).
await build({
  entryPoints: { server: "src/app/server.ts", cli: "src/cli/main.ts" },
  outdir,
  bundle: true,
  packages: "external",
  platform: "node",
  target: "node20",
  format: "esm",
  loader: { ".hbs": "text" },
  legalComments: "none",
  logLevel: "warning",
});
