import type { RunStatus } from "../core/run-state.js";
import { listDashboards } from "../github/run-issues.js";
import { noReplyMessage, sayToApp } from "./app-reply.js";
import type { CliIo } from "./cli-io.js";
import { EXIT, type ExitCode, failedError } from "./exit-codes.js";
import { issueUrl, requireRun, type Session } from "./github-session.js";

export type ControlVerb = "stop" | "pause" | "resume";

const STATUS_AFTER: Record<ControlVerb, RunStatus> = {
  stop: "stopped",
  pause: "paused",
  resume: "running",
};

/** `autoresearch stop|pause|resume`: the command on the run's dashboard, the app's answer printed. */
export async function controlCommand(
  session: Session,
  cli: { command: ControlVerb; target: { tag: string }; waitSeconds: number },
  io: CliIo,
): Promise<ExitCode> {
  const tag = cli.target.tag;
  const dashboard = await requireRun(session, tag);
  const where = issueUrl(session, dashboard.number);
  const { reply } = await sayToApp(session.gh, dashboard.number, `/autoresearch ${cli.command}`, {
    seconds: cli.waitSeconds,
    progress: io.progress,
    endProgress: io.endProgress,
  });
  if (cli.waitSeconds === 0) {
    io.out(`Sent /autoresearch ${cli.command}: the app answers on ${where}`);
    return EXIT.ok;
  }
  if (reply === null) throw failedError(noReplyMessage(session.fullName, where, cli.waitSeconds));

  // Success is the run's recorded status, whatever the reply's wording ("already paused" counts).
  const now = (await listDashboards(session.gh, session.root)).runs.find(
    (d) => d.number === dashboard.number,
  );
  const wanted = STATUS_AFTER[cli.command];
  if (now?.run.status !== wanted) {
    io.err(reply);
    throw failedError(
      `run "${tag}" is ${now?.run.status ?? "gone"}, not ${wanted}: the app's answer is above (also on ${where})`,
    );
  }
  io.out(reply);
  return EXIT.ok;
}
