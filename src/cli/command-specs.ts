/** What each `autoresearch` command accepts and says about itself in `--help`. Pure data. */

export const COMMAND_NAMES = [
  "start",
  "stop",
  "pause",
  "resume",
  "status",
  "propose",
  "results",
  "chart",
] as const;
export type CommandName = (typeof COMMAND_NAMES)[number];

interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** `--flag <value>` as shown in help. */
  shown: string;
  help: string;
}

export interface CommandSpec {
  summary: string;
  /** Paragraphs after the usage line: what the command does and what happens next. */
  details: string;
  options: Record<string, OptionSpec>;
  examples: string[];
}

export const DEFAULT_WAIT_SECONDS = 60;
export const DEFAULT_API_URL = "https://api.github.com";

const COMMON: Record<string, OptionSpec> = {
  repo: {
    type: "string",
    shown: "--repo <owner/name>",
    help: "the researched repository (default: $GITHUB_REPOSITORY)",
  },
  tag: {
    type: "string",
    shown: "--tag <tag>",
    help: "the run's tag, e.g. nov26 (its branch is autoresearch/<tag>)",
  },
  help: { type: "boolean", short: "h", shown: "-h, --help", help: "this help" },
};

const wait = (what: string): OptionSpec => ({
  type: "string",
  shown: "--wait <seconds>",
  help: `how long to wait for ${what} (default ${DEFAULT_WAIT_SECONDS}; 0: do not wait)`,
});

const REBUILD: OptionSpec = {
  type: "boolean",
  shown: "--rebuild",
  help: "rebuild the rows from the PR trail (state blocks) instead of reading the stored ledger",
};

const control = (verb: "stop" | "pause" | "resume", effect: string): CommandSpec => ({
  summary: effect,
  details: `Comments \`/autoresearch ${verb}\` on the run's dashboard issue as you, waits for the app's reply and prints it. The app checks that you have write access to the repository.`,
  options: { ...COMMON, wait: wait("the app's reply") },
  examples: [`autoresearch ${verb} --repo acme/research --tag nov26`],
});

export const COMMAND_SPECS: Record<CommandName, CommandSpec> = {
  start: {
    summary: "start a run: the app creates autoresearch/<tag>, its dashboard and the baseline",
    details:
      "Opens an issue `autoresearch: start <tag>` and comments `/autoresearch start <tag>` on it as you, exactly as you would on GitHub, so the app stays the only writer of the run. Waits for the app's reply and prints it with the dashboard's address. The tag must be new: the branch autoresearch/<tag> must not exist yet.",
    options: { ...COMMON, wait: wait("the app's reply") },
    examples: ["autoresearch start --repo acme/research --tag nov26"],
  },
  stop: control(
    "stop",
    "stop a run: experiments in flight finish and are decided, queued ones close",
  ),
  pause: control("pause", "pause a run: nothing new is dispatched until `resume`"),
  resume: control("resume", "resume a paused run"),
  status: {
    summary: "the run's best, what is in flight or queued, and the last verdicts",
    details:
      "Computed on your machine from the dashboard issue and the PR trail (each PR's hidden state block); nothing is written.",
    options: {
      ...COMMON,
      format: {
        type: "string",
        shown: "--format <text|json>",
        help: "output format (default text)",
      },
    },
    examples: [
      "autoresearch status --repo acme/research --tag nov26",
      "autoresearch status --repo acme/research --tag nov26 --format json | jq .best",
    ],
  },
  propose: {
    summary: "submit an experiment: your new train.py as branch autoresearch/<tag>--<slug>",
    details:
      "Commits the file on top of the run branch's head through the Git Data API (no local clone needed) and creates the branch autoresearch/<tag>--<slug>. The app then opens a PR into autoresearch/<tag>, checks that only the allowed paths change (config: allowedPaths), queues it, trains it on the next free runner and keeps or discards it like any other experiment.",
    options: {
      ...COMMON,
      file: {
        type: "string",
        shown: "--file <path>",
        help: "the local file with the new content, e.g. train.py",
      },
      message: {
        type: "string",
        shown: "--message <text>",
        help: "one line saying what the experiment tries; it becomes the PR title",
      },
      path: {
        type: "string",
        shown: "--path <repo path>",
        help: "where the file goes in the repository (default: the --file name, e.g. train.py)",
      },
      name: {
        type: "string",
        shown: "--name <slug>",
        help: "the branch's name after `--` (default: made from --message)",
      },
      wait: {
        type: "string",
        shown: "--wait <seconds>",
        help: "wait this long for the app to open the PR and print its number (default 0: do not wait)",
      },
    },
    examples: [
      'autoresearch propose --repo acme/research --tag nov26 --file train.py --message "increase LR to 0.04"',
    ],
  },
  results: {
    summary: "print results.tsv (or JSON) of a run",
    details:
      "Reads the ledger the app keeps: the run's gist, or the ledger section of the dashboard issue when the app has no GIST_TOKEN. With --rebuild, rebuilds it from the PR trail, which is always complete.",
    options: {
      ...COMMON,
      rebuild: REBUILD,
      format: { type: "string", shown: "--format <tsv|json>", help: "output format (default tsv)" },
    },
    examples: [
      "autoresearch results --repo acme/research --tag nov26 > results.tsv",
      "autoresearch results --repo acme/research --tag nov26 --rebuild --format json",
    ],
  },
  chart: {
    summary: "draw progress.svg (val_bpb per experiment, kept ones labelled)",
    details: "Draws the chart from the same rows `results` prints, on your machine.",
    options: {
      ...COMMON,
      out: {
        type: "string",
        shown: "--out <file>",
        help: "where to write the SVG (default progress.svg; - for stdout)",
      },
      rebuild: REBUILD,
      width: { type: "string", shown: "--width <px>", help: "picture width (default 1200)" },
      height: { type: "string", shown: "--height <px>", help: "picture height (default 600)" },
    },
    examples: ["autoresearch chart --repo acme/research --tag nov26 --out progress.svg"],
  },
};

export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  GitHub or the app reported a failure, or the app did not answer in time
  2  usage error: bad arguments or input; nothing was changed on GitHub
  3  not found: no such repository (or the token cannot see it), or no such run`;

const ENVIRONMENT_HELP = `Environment:
  GITHUB_TOKEN    a token with write access to the repository's issues, pull requests
                  and contents, e.g. \`export GITHUB_TOKEN=$(gh auth token)\`
  GITHUB_API_URL  the REST API (default ${DEFAULT_API_URL};
                  GitHub Enterprise Server: https://HOST/api/v3)`;

/** `autoresearch --help`. */
export function mainHelp(): string {
  const width = Math.max(...COMMAND_NAMES.map((n) => n.length)) + 2;
  const commands = COMMAND_NAMES.map(
    (name) => `  ${name.padEnd(width)}${COMMAND_SPECS[name].summary}`,
  );
  return [
    "autoresearch: drive an autoresearch run on GitHub (one PR per experiment) from your shell",
    "",
    "Usage: autoresearch <command> --repo <owner/name> --tag <tag> [options]",
    "",
    "Commands:",
    ...commands,
    "",
    "Every command takes:",
    ...optionLines(COMMON),
    "",
    ENVIRONMENT_HELP,
    "",
    EXIT_CODES_HELP,
    "",
    "`autoresearch <command> --help` shows a command's options.",
  ].join("\n");
}

/** `autoresearch <command> --help`. */
export function commandHelp(name: CommandName): string {
  const spec = COMMAND_SPECS[name];
  const required = name === "propose" ? " --file <path> --message <text>" : "";
  return [
    `autoresearch ${name}: ${spec.summary}`,
    "",
    `Usage: autoresearch ${name} --repo <owner/name> --tag <tag>${required} [options]`,
    "",
    wrap(spec.details, 96),
    "",
    "Options:",
    ...optionLines(spec.options),
    "",
    "Examples:",
    ...spec.examples.map((e) => `  ${e}`),
    "",
    ENVIRONMENT_HELP,
    "",
    EXIT_CODES_HELP,
  ].join("\n");
}

function optionLines(options: Record<string, OptionSpec>): string[] {
  const specs = Object.values(options);
  const width = Math.max(...specs.map((o) => o.shown.length)) + 2;
  return specs.map((o) => `  ${o.shown.padEnd(width)}${o.help}`);
}

function wrap(text: string, columns: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line !== "" && line.length + 1 + word.length > columns) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  if (line !== "") lines.push(line);
  return lines.join("\n");
}
