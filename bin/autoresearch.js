#!/usr/bin/env node
// The `autoresearch` CLI, as `npm run build` bundles it (dist/cli.js, committed).
const { main } = await import("../dist/cli.js");
process.exitCode = await main(process.argv.slice(2), process.env);
