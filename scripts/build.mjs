// Bundles the runner action into dist/ (index.js and dist/chunks/, committed: runners execute it
// as is), and the app's server and the CLI (committed too: `npm start` and `autoresearch` run them
// with no TypeScript loader). `node scripts/build.mjs --outdir DIR` builds elsewhere (the staleness check uses it).
import { rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const i = process.argv.indexOf("--outdir");
const outdir = i > 0 ? process.argv[i + 1] : "dist";

/**
 * CommonJS packages whose only importer is code the action never calls: @actions/core's OIDC
 * client (getIDToken) reaches @actions/http-client, which imports undici (its proxy agent) and
 * tunnel. Marked free of side effects, they are dropped unless used code refers to them. That
 * matters beyond size: loading undici sets its Agent as the global dispatcher that Node's own
 * fetch (Octokit's) then uses, a second copy of undici in every step.
 */
const UNUSED_UNLESS_REFERENCED = /^(undici|tunnel)$/;
const dropUnreferenced = {
  name: "drop-unreferenced",
  setup(b) {
    b.onResolve({ filter: UNUSED_UNLESS_REFERENCED }, async (args) => {
      if (args.pluginData === "drop-unreferenced") return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "drop-unreferenced",
      });
      return resolved.errors.length > 0 ? resolved : { ...resolved, sideEffects: false };
    });
  },
};

// The action: index.js loads only what every mode needs, each mode's code is a chunk it imports
// when that mode runs (each step is a fresh process; `train` never loads Octokit or handlebars).
// Chunk names carry a content hash, so old ones are removed before building.
rmSync(join(outdir, "chunks"), { recursive: true, force: true });
await build({
  entryPoints: { index: "src/action/index.ts" },
  outdir,
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  plugins: [dropUnreferenced],
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
