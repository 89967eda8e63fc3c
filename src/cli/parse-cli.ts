/** argv → a typed command, or a usage error saying what to type instead. Pure. */
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { closestKey } from "../core/config.js";
import { slugify, validateTag } from "../core/experiment-branch.js";
import {
  COMMAND_NAMES,
  COMMAND_SPECS,
  type CommandName,
  commandHelp,
  DEFAULT_WAIT_SECONDS,
  mainHelp,
} from "./command-specs.js";
import { usageError } from "./exit-codes.js";

/** Which run a command is about. */
export interface RunTarget {
  owner: string;
  repo: string;
  tag: string;
}

export type CliCommand =
  | { command: "start"; target: RunTarget; waitSeconds: number }
  | { command: "stop" | "pause" | "resume"; target: RunTarget; waitSeconds: number }
  | { command: "status"; target: RunTarget; format: "text" | "json" }
  | {
      command: "propose";
      target: RunTarget;
      file: string;
      path: string;
      message: string;
      slug: string;
      waitSeconds: number;
    }
  | { command: "results"; target: RunTarget; rebuild: boolean; format: "tsv" | "json" }
  | {
      command: "chart";
      target: RunTarget;
      rebuild: boolean;
      out: string;
      width: number | undefined;
      height: number | undefined;
    };

export type ParsedCli = { kind: "help"; text: string } | { kind: "run"; cli: CliCommand };

type Values = Record<string, string | boolean | undefined>;

/** Throws a CliError (exit 2) for anything it cannot run. `env` only supplies GITHUB_REPOSITORY. */
export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = {},
): ParsedCli {
  const [first, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h") {
    return { kind: "help", text: mainHelp() };
  }
  if (first === "help") {
    const topic = rest[0];
    return {
      kind: "help",
      text: topic === undefined ? mainHelp() : commandHelp(commandName(topic)),
    };
  }
  const name = commandName(first);
  const values = parseOptions(name, rest);
  if (values.help) return { kind: "help", text: commandHelp(name) };
  const target = runTarget(name, values, env);
  return { kind: "run", cli: buildCommand(name, target, values) };
}

function commandName(word: string): CommandName {
  const known = COMMAND_NAMES.find((n) => n === word);
  if (known) return known;
  if (word.startsWith("-")) {
    throw usageError(
      `${word} comes before a command: put the command first, e.g. \`autoresearch status ${word} …\` (commands: ${COMMAND_NAMES.join(", ")})`,
    );
  }
  const guess = closestKey(word, COMMAND_NAMES);
  throw usageError(
    `unknown command "${word}"${guess ? `: did you mean \`${guess}\`?` : ""} (commands: ${COMMAND_NAMES.join(", ")}; see \`autoresearch --help\`)`,
  );
}

function parseOptions(name: CommandName, args: readonly string[]): Values {
  const options = Object.fromEntries(
    Object.entries(COMMAND_SPECS[name].options).map(([key, o]) => [
      key,
      o.short ? { type: o.type, short: o.short } : { type: o.type },
    ]),
  );
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: false })
      .values as Values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw usageError(`${firstLine(message)}: see \`autoresearch ${name} --help\``);
  }
}

function firstLine(message: string): string {
  return message.split("\n")[0].replace(/\.$/, "");
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** `owner/name` → its parts, or null when it is not one. */
export function parseRepo(text: string): { owner: string; repo: string } | null {
  const parts = text.split("/");
  if (parts.length !== 2) return null;
  const [owner, repo] = parts;
  if (!OWNER.test(owner) || !REPO.test(repo) || repo === "." || repo === "..") return null;
  return { owner, repo };
}

function runTarget(
  name: CommandName,
  values: Values,
  env: Readonly<Record<string, string | undefined>>,
): RunTarget {
  const repoText = str(values.repo) ?? (env.GITHUB_REPOSITORY || undefined);
  if (repoText === undefined) {
    throw usageError(
      `--repo is missing: say which repository, e.g. \`autoresearch ${name} --repo acme/research --tag nov26\` (or set GITHUB_REPOSITORY)`,
    );
  }
  const repo = parseRepo(repoText);
  if (!repo) {
    throw usageError(
      `--repo "${repoText}" is not owner/name: pass the repository as on GitHub, e.g. --repo acme/research`,
    );
  }
  const tag = str(values.tag);
  if (tag === undefined) {
    throw usageError(
      `--tag is missing: name the run, e.g. \`autoresearch ${name} --repo ${repoText} --tag nov26\``,
    );
  }
  const problem = validateTag(tag);
  if (problem) throw usageError(`--tag: ${problem}`);
  return { ...repo, tag };
}

function buildCommand(name: CommandName, target: RunTarget, values: Values): CliCommand {
  switch (name) {
    case "start":
    case "stop":
    case "pause":
    case "resume":
      return { command: name, target, waitSeconds: seconds(values.wait, DEFAULT_WAIT_SECONDS) };
    case "status":
      return { command: name, target, format: choice(values.format, ["text", "json"]) };
    case "results":
      return {
        command: name,
        target,
        rebuild: values.rebuild === true,
        format: choice(values.format, ["tsv", "json"]),
      };
    case "chart":
      return {
        command: name,
        target,
        rebuild: values.rebuild === true,
        out: str(values.out) ?? "progress.svg",
        width: pixels("width", values.width),
        height: pixels("height", values.height),
      };
    case "propose":
      return proposeCommand(target, values);
  }
}

function proposeCommand(target: RunTarget, values: Values): CliCommand {
  const file = str(values.file);
  if (file === undefined) {
    throw usageError(
      "--file is missing: pass the local file with the new content, e.g. --file train.py",
    );
  }
  const message = str(values.message)?.trim();
  if (!message) {
    throw usageError(
      '--message is missing: say in one line what the experiment tries, e.g. --message "increase LR to 0.04"',
    );
  }
  const path = str(values.path) ?? basename(file);
  if (path.startsWith("/") || path.split("/").includes("..") || path === "") {
    throw usageError(
      `--path "${path}" is not a path inside the repository: use one like train.py or src/train.py`,
    );
  }
  return {
    command: "propose",
    target,
    file,
    path,
    message,
    slug: proposalSlug(str(values.name) ?? message),
    waitSeconds: seconds(values.wait, 0),
  };
}

/**
 * The branch name after `--`. A leading number is moved out of the way: the app reads
 * `<n>-…` as the experiment number, and an outsider must not pick the run's numbering.
 */
export function proposalSlug(text: string): string {
  const slug = slugify(text);
  return /^\d+(-|$)/.test(slug) ? `x-${slug}` : slug;
}

function str(value: string | boolean | undefined): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function seconds(value: string | boolean | undefined, fallback: number): number {
  const text = str(value);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0 || n > 3600) {
    throw usageError(`--wait "${text}" is not a number of seconds from 0 to 3600, e.g. --wait 120`);
  }
  return n;
}

function pixels(flag: string, value: string | boolean | undefined): number | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 100 || n > 10_000) {
    throw usageError(`--${flag} "${text}" is not a whole number of pixels from 100 to 10000`);
  }
  return n;
}

function choice<T extends string>(value: string | boolean | undefined, allowed: readonly T[]): T {
  const text = str(value);
  if (text === undefined) return allowed[0];
  const found = allowed.find((a) => a === text);
  if (found) return found;
  throw usageError(`--format "${text}" is not one of ${allowed.join(", ")}`);
}
