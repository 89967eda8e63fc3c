#!/usr/bin/env node
// The `autoresearch` CLI: TypeScript (via tsx) and .hbs templates load as in `npm start`.
import "../scripts/register.mjs";

const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2), process.env);
