import { writeFile } from "node:fs/promises";
import { renderProgressSvg } from "../core/chart.js";
import type { CliIo } from "./cli-io.js";
import { EXIT, type ExitCode, usageError } from "./exit-codes.js";
import { requireRun, type Session } from "./github-session.js";
import { readLedger } from "./ledger-source.js";

/** `autoresearch chart`: progress.svg drawn here from the same rows `results` prints. */
export async function chartCommand(
  session: Session,
  cli: {
    target: { tag: string };
    rebuild: boolean;
    out: string;
    width: number | undefined;
    height: number | undefined;
  },
  io: CliIo,
): Promise<ExitCode> {
  const dashboard = await requireRun(session, cli.target.tag);
  const ledger = await readLedger(session, dashboard, cli.rebuild);
  for (const warning of ledger.warnings) io.err(`warning: ${warning}`);
  const svg = renderProgressSvg(ledger.rows, { width: cli.width, height: cli.height });
  if (cli.out === "-") {
    io.out(svg.trimEnd());
    return EXIT.ok;
  }
  try {
    await writeFile(cli.out, svg);
  } catch (error) {
    throw usageError(
      `cannot write --out ${cli.out} (${(error as NodeJS.ErrnoException).code ?? String(error)}): pick a path in a directory you can write`,
    );
  }
  const kept = ledger.rows.filter((r) => r.status === "keep").length;
  io.out(
    `Wrote ${cli.out}: ${ledger.rows.length} experiments, ${kept} kept (from ${ledger.source})`,
  );
  return EXIT.ok;
}
