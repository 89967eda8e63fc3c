import { listRunPulls } from "../github/experiment-pulls.js";
import type { CliIo } from "./cli-io.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { issueUrl, requireRun, type Session } from "./github-session.js";
import { buildStatusReport, formatStatusReport } from "./status-report.js";

/** `autoresearch status`: read-only, from the dashboard's run block and the PR trail. */
export async function statusCommand(
  session: Session,
  cli: { target: { tag: string }; format: "text" | "json" },
  io: CliIo,
): Promise<ExitCode> {
  const dashboard = await requireRun(session, cli.target.tag);
  const pulls = await listRunPulls(session.gh, dashboard.run.branch, session.root);
  const report = buildStatusReport({
    repo: session.fullName,
    run: dashboard.run,
    dashboard: { number: dashboard.number, url: issueUrl(session, dashboard.number) },
    pulls,
    now: new Date().toISOString(),
  });
  io.out(cli.format === "json" ? JSON.stringify(report, null, 2) : formatStatusReport(report));
  return EXIT.ok;
}
