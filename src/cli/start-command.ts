import { runBranch } from "../core/experiment-branch.js";
import { branchSha } from "../github/repo.js";
import { createIssue, listDashboards, updateIssue } from "../github/run-issues.js";
import { noReplyMessage, sayToApp } from "./app-reply.js";
import type { CliIo } from "./cli-io.js";
import { EXIT, type ExitCode, failedError } from "./exit-codes.js";
import { issueUrl, type Session } from "./github-session.js";

/**
 * `autoresearch start`: says `/autoresearch start <tag>` on a new issue, as a maintainer
 * would, so the app stays the only writer of the run; then reports what the app did.
 */
export async function startCommand(
  session: Session,
  cli: { target: { tag: string }; waitSeconds: number },
  io: CliIo,
): Promise<ExitCode> {
  const { gh, fullName } = session;
  const tag = cli.target.tag;

  // 1. Refuse early what the app would refuse, without leaving an issue behind.
  const existing = (await listDashboards(gh, session.root)).runs.find((d) => d.run.tag === tag);
  if (existing) {
    throw failedError(
      `a run "${tag}" already exists in ${fullName} (${existing.run.status}, dashboard ${issueUrl(session, existing.number)}): pick another tag, or look at it with \`autoresearch status --repo ${fullName} --tag ${tag}\``,
    );
  }
  const branch = runBranch(tag);
  if ((await branchSha(gh, branch)) !== null) {
    throw failedError(
      `the branch ${branch} already exists in ${fullName}: pick another tag, or delete the branch first`,
    );
  }

  // 2. Say the command where the app listens.
  const issue = await createIssue(gh, {
    title: `autoresearch: start ${tag}`,
    body: `Opened by \`autoresearch start\` to start the run \`${tag}\`: the autoresearch app answers below.`,
    labels: [],
  });
  const where = issueUrl(session, issue);
  io.err(`Asked the app to start "${tag}" on ${where}`);
  const { commentId, reply } = await sayToApp(gh, issue, `/autoresearch start ${tag}`, {
    seconds: cli.waitSeconds,
    progress: io.progress,
    endProgress: io.endProgress,
  });
  if (cli.waitSeconds === 0) {
    io.out(`Sent /autoresearch start ${tag}: the app answers on ${where}`);
    return EXIT.ok;
  }
  if (reply === null) throw failedError(noReplyMessage(fullName, where, cli.waitSeconds));

  // 3. Trust the run's own record, not the wording of the reply.
  const dashboard = (await listDashboards(gh, session.root)).runs.find(
    (d) => d.run.tag === tag && d.run.start_comment_id === commentId,
  );
  if (!dashboard) {
    io.err(reply);
    throw failedError(`the app did not start "${tag}" (its answer is above; also on ${where})`);
  }
  io.out(reply);
  io.out(`Dashboard: ${issueUrl(session, dashboard.number)}`);
  io.out(
    `Follow it with \`autoresearch status --repo ${fullName} --tag ${tag}\`; stop it with \`autoresearch stop --repo ${fullName} --tag ${tag}\`.`,
  );
  // The request issue has done its job; the dashboard is where the run lives now.
  await updateIssue(gh, issue, { state: "closed" });
  return EXIT.ok;
}
