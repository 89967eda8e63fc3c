/** `autoresearch <command>`: parse, open the repository, run one command, explain any failure. */
import { type CliIo, processIo } from "./cli-io.js";
import { DEFAULT_API_URL } from "./command-specs.js";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { explainFailure } from "./explain-failure.js";
import type { Session } from "./github-session.js";
import { type CliCommand, parseCli } from "./parse-cli.js";

export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: CliIo = processIo(),
): Promise<ExitCode> {
  try {
    const parsed = parseCli(argv, env);
    if (parsed.kind === "help") {
      io.out(parsed.text);
      return EXIT.ok;
    }
    // Loaded only for a command that talks to GitHub: `--help` and usage errors stay instant.
    const { octokitFromEnv, openRepository } = await import("./github-session.js");
    const log = { info: () => {}, warn: (m: string) => io.err(`autoresearch: ${m}`) };
    const session = await openRepository(octokitFromEnv(env, log), parsed.cli.target);
    return await dispatch(parsed.cli, session, io);
  } catch (error) {
    io.endProgress();
    const failure = explainFailure(error, env.GITHUB_API_URL || DEFAULT_API_URL);
    io.err(`autoresearch: ${failure.message}`);
    return failure.exitCode;
  }
}

async function dispatch(cli: CliCommand, session: Session, io: CliIo): Promise<ExitCode> {
  switch (cli.command) {
    case "start":
      return (await import("./start-command.js")).startCommand(session, cli, io);
    case "stop":
    case "pause":
    case "resume":
      return (await import("./control-command.js")).controlCommand(session, cli, io);
    case "status":
      return (await import("./status-command.js")).statusCommand(session, cli, io);
    case "propose":
      return (await import("./propose-command.js")).proposeCommand(session, cli, io);
    case "results":
      return (await import("./results-command.js")).resultsCommand(session, cli, io);
    case "chart":
      return (await import("./chart-command.js")).chartCommand(session, cli, io);
  }
}
