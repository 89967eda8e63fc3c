import { readFile } from "node:fs/promises";
import { pathsOutside } from "../core/diff-stats.js";
import { EXPERIMENT_SEPARATOR, runBranch } from "../core/experiment-branch.js";
import { loadConfig } from "../github/config-file.js";
import { findOpenPull } from "../github/experiment-pulls.js";
import { branchSha, commitFiles, createBranch, readTextFile } from "../github/repo.js";
import { isStatus } from "../github/sticky-comment.js";
import type { CliIo } from "./cli-io.js";
import { EXIT, type ExitCode, failedError, usageError } from "./exit-codes.js";
import { issueUrl, requireRun, type Session } from "./github-session.js";

export interface ProposeInput {
  target: { tag: string };
  file: string;
  path: string;
  message: string;
  slug: string;
  waitSeconds: number;
}

/**
 * `autoresearch propose`: one commit on the run head, pushed as `autoresearch/<tag>--<slug>`
 * through the Git Data API. The app sees the push and takes it from there, as for any pushed branch.
 */
export async function proposeCommand(
  session: Session,
  cli: ProposeInput,
  io: CliIo,
): Promise<ExitCode> {
  const { gh, fullName } = session;
  // 1. Everything that can be wrong with the input, before writing anything.
  const content = await readLocalFile(cli.file);
  const dashboard = await requireRun(session, cli.target.tag);
  const run = dashboard.run;
  if (run.status === "stopped") {
    throw failedError(
      `run "${run.tag}" is stopped: the app takes no more experiments for it. Start a new run with \`autoresearch start --repo ${fullName} --tag <new tag>\``,
    );
  }
  await checkAllowedPath(session, cli.path);
  const head = await branchSha(gh, run.branch);
  if (head === null) {
    throw failedError(
      `the run branch ${run.branch} is gone from ${fullName}: nothing can be trained on it (see the dashboard ${issueUrl(session, dashboard.number)})`,
    );
  }
  if ((await readTextFile(gh, cli.path, head)) === content) {
    throw usageError(
      `${cli.path} on ${run.branch} is already exactly ${cli.file}: change the file, then propose it`,
    );
  }
  const branch = `${runBranch(run.tag)}${EXPERIMENT_SEPARATOR}${cli.slug}`;
  const taken = () =>
    failedError(
      `the branch ${branch} already exists in ${fullName}: name this experiment differently with --name <slug>, or change --message`,
    );
  if ((await branchSha(gh, branch)) !== null) throw taken();

  // 2. The commit and its branch: the push the app reacts to.
  const sha = await commitFiles(gh, head, { [cli.path]: content }, cli.message);
  try {
    await createBranch(gh, branch, sha);
  } catch (error) {
    if (isStatus(error, 422)) throw taken();
    throw error;
  }
  io.out(
    `Pushed ${cli.path} as ${branch} (commit ${sha.slice(0, 7)} on ${run.branch} at ${head.slice(0, 7)}).`,
  );
  io.out(
    `Next: the app opens a PR into ${run.branch}, checks that only allowed paths change, queues it and trains it on the next free runner; the verdict (keep, discard or crash) lands on the PR and on the dashboard ${issueUrl(session, dashboard.number)}.`,
  );
  if (run.status === "paused") {
    io.err(
      `note: run "${run.tag}" is paused: the experiment is queued, but nothing trains until \`autoresearch resume --repo ${fullName} --tag ${run.tag}\`.`,
    );
  }
  if (cli.waitSeconds > 0) await waitForPull(session, branch, cli.waitSeconds, io);
  io.out(`Follow it with \`autoresearch status --repo ${fullName} --tag ${run.tag}\`.`);
  return EXIT.ok;
}

async function readLocalFile(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw usageError(`cannot read --file ${file} (${code}): pass the path of your edited file`);
  }
}

/** The app closes, unread, a PR that changes a path outside allowedPaths: say so now instead. */
async function checkAllowedPath(session: Session, path: string): Promise<void> {
  const config = await loadConfig(session.gh);
  // An invalid config is the app's to report (on the dashboard); it blocks the run anyway.
  if (!config.ok) return;
  const allowed = config.config.allowedPaths;
  if (pathsOutside([path], allowed).length > 0) {
    throw usageError(
      `--path ${path} is not one of the paths experiments may change (allowedPaths: ${allowed.join(", ")}): the app would close the PR without training it. Use --path ${allowed[0] ?? "train.py"}`,
    );
  }
}

async function waitForPull(
  session: Session,
  branch: string,
  seconds: number,
  io: CliIo,
): Promise<void> {
  const started = Date.now();
  try {
    for (;;) {
      const pr = await findOpenPull(session.gh, branch);
      if (pr !== null) {
        io.endProgress();
        io.out(`PR #${pr}: ${session.htmlUrl}/pull/${pr}`);
        return;
      }
      const waited = (Date.now() - started) / 1000;
      if (waited >= seconds) break;
      io.progress(`Waiting for the app to open the PR… ${Math.floor(waited)}s of ${seconds}s`);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  } finally {
    io.endProgress();
  }
  throw failedError(
    `the branch ${branch} is pushed, but the app opened no PR for it within ${seconds}s: the app may not be installed on ${session.fullName} (with the push event), or not running. The branch stays; once the app runs, push to it again or open the PR into the run branch yourself.`,
  );
}
