import type { CliIo } from "./cli-io.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { requireRun, type Session } from "./github-session.js";
import { formatLedger, readLedger } from "./ledger-source.js";

/** `autoresearch results`: the ledger on stdout (nothing else there, so it pipes to a file). */
export async function resultsCommand(
  session: Session,
  cli: { target: { tag: string }; rebuild: boolean; format: "tsv" | "json" },
  io: CliIo,
): Promise<ExitCode> {
  const dashboard = await requireRun(session, cli.target.tag);
  const ledger = await readLedger(session, dashboard, cli.rebuild);
  for (const warning of ledger.warnings) io.err(`warning: ${warning}`);
  io.err(`${ledger.rows.length} rows from ${ledger.source}`);
  io.out(formatLedger(ledger.rows, cli.format).trimEnd());
  return EXIT.ok;
}
