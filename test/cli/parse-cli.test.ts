import { describe, expect, it } from "vitest";
import { COMMAND_NAMES, COMMAND_SPECS, commandHelp } from "../../src/cli/command-specs.js";
import { CliError, EXIT } from "../../src/cli/exit-codes.js";
import { type CliCommand, parseCli, parseRepo, proposalSlug } from "../../src/cli/parse-cli.js";

const TARGET = { owner: "acme", repo: "research", tag: "nov26" };
const common = ["--repo", "acme/research", "--tag", "nov26"];

function run(argv: string[], env: Record<string, string> = {}): CliCommand {
  const parsed = parseCli(argv, env);
  if (parsed.kind !== "run") throw new Error(`expected a command, got help:\n${parsed.text}`);
  return parsed.cli;
}

function usageMessage(argv: string[]): string {
  try {
    parseCli(argv, {});
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(EXIT.usage);
    return (error as CliError).message;
  }
  throw new Error(`expected a usage error for ${argv.join(" ")}`);
}

describe("parseCli", () => {
  it.each<[string[], CliCommand]>([
    [["start", ...common], { command: "start", target: TARGET, waitSeconds: 60 }],
    [["stop", ...common, "--wait", "5"], { command: "stop", target: TARGET, waitSeconds: 5 }],
    [["pause", ...common, "--wait", "0"], { command: "pause", target: TARGET, waitSeconds: 0 }],
    [["resume", ...common], { command: "resume", target: TARGET, waitSeconds: 60 }],
    [["status", ...common], { command: "status", target: TARGET, format: "text" }],
    [
      ["status", ...common, "--format", "json"],
      { command: "status", target: TARGET, format: "json" },
    ],
    [
      ["results", ...common, "--rebuild", "--format", "json"],
      { command: "results", target: TARGET, rebuild: true, format: "json" },
    ],
    [
      ["chart", ...common],
      {
        command: "chart",
        target: TARGET,
        rebuild: false,
        out: "progress.svg",
        width: undefined,
        height: undefined,
      },
    ],
    [
      ["chart", ...common, "--out", "-", "--width", "800", "--height", "400"],
      { command: "chart", target: TARGET, rebuild: false, out: "-", width: 800, height: 400 },
    ],
    [
      ["propose", ...common, "--file", "work/train.py", "--message", "  increase LR to 0.04 "],
      {
        command: "propose",
        target: TARGET,
        file: "work/train.py",
        path: "train.py",
        message: "increase LR to 0.04",
        slug: "increase-lr-to-0-04",
        waitSeconds: 0,
      },
    ],
    [
      [
        "propose",
        ...common,
        "--file=try.py",
        "--path=src/train.py",
        "--message=x",
        "--name",
        "My Idea",
      ],
      {
        command: "propose",
        target: TARGET,
        file: "try.py",
        path: "src/train.py",
        message: "x",
        slug: "my-idea",
        waitSeconds: 0,
      },
    ],
  ])("%j", (argv, expected) => {
    expect(run(argv)).toEqual(expected);
  });

  it("takes the repository from GITHUB_REPOSITORY when --repo is not given", () => {
    expect(run(["status", "--tag", "nov26"], { GITHUB_REPOSITORY: "acme/research" })).toEqual({
      command: "status",
      target: TARGET,
      format: "text",
    });
  });

  it.each([[[]], [["--help"]], [["-h"]], [["help"]]])("%j prints the main help", (argv) => {
    const parsed = parseCli(argv);
    expect(parsed.kind).toBe("help");
    expect(parsed.kind === "help" && parsed.text).toContain("Usage: autoresearch <command>");
  });

  it.each(COMMAND_NAMES.map((name) => [name]))(
    "%s --help lists every option it accepts",
    (name) => {
      for (const argv of [
        [name, "--help"],
        [name, "-h"],
        ["help", name],
        [name, "--tag", "x", "-h"],
      ]) {
        expect(parseCli(argv)).toEqual({ kind: "help", text: commandHelp(name) });
      }
      const text = commandHelp(name);
      expect(text).toContain(`Usage: autoresearch ${name} --repo <owner/name> --tag <tag>`);
      for (const option of Object.keys(COMMAND_SPECS[name].options)) {
        expect(text).toContain(`--${option}`);
      }
      expect(text).toContain("2  usage error");
    },
  );

  it.each<[string[], string]>([
    [["strat", ...common], 'unknown command "strat": did you mean `start`?'],
    [["--repo", "acme/research", "status"], "--repo comes before a command"],
    [["status", "--tag", "nov26"], "--repo is missing: say which repository"],
    [["status", "--repo", "acme", "--tag", "nov26"], '--repo "acme" is not owner/name'],
    [
      ["status", "--repo", "https://github.com/acme/research", "--tag", "nov26"],
      "is not owner/name",
    ],
    [["status", "--repo", "acme/research"], "--tag is missing: name the run"],
    [["status", "--repo", "acme/research", "--tag", "Nov 26"], "--tag: the run tag"],
    [["status", "--repo", "acme/research", "--tag", "a--b"], 'contains "--"'],
    [["status", ...common, "--rebuild"], "Unknown option '--rebuild'"],
    [["status", ...common, "extra"], "Unexpected argument 'extra'"],
    [["status", ...common, "--format", "yaml"], '--format "yaml" is not one of text, json'],
    [["start", ...common, "--wait", "soon"], '--wait "soon" is not a number of seconds'],
    [["start", ...common, "--wait"], "Option '--wait <value>' argument missing"],
    [["chart", ...common, "--width", "12.5"], '--width "12.5" is not a whole number of pixels'],
    [["propose", ...common, "--message", "x"], "--file is missing"],
    [["propose", ...common, "--file", "train.py"], "--message is missing"],
    [["propose", ...common, "--file", "t.py", "--message", " "], "--message is missing"],
    [
      ["propose", ...common, "--file", "t.py", "--message", "x", "--path", "../t.py"],
      '--path "../t.py" is not a path inside the repository',
    ],
    [["help", "nope"], 'unknown command "nope"'],
  ])("%j is a usage error", (argv, message) => {
    expect(usageMessage(argv)).toContain(message);
  });
});

describe("parseRepo", () => {
  it.each([
    ["acme/research", { owner: "acme", repo: "research" }],
    ["a-b/c.d_e-f", { owner: "a-b", repo: "c.d_e-f" }],
    ["acme", null],
    ["acme/", null],
    ["/research", null],
    ["acme/research/x", null],
    ["-acme/research", null],
    ["acme/..", null],
    ["ac me/research", null],
  ])("%s", (text, expected) => {
    expect(parseRepo(text)).toEqual(expected);
  });
});

describe("proposalSlug", () => {
  it.each([
    ["increase LR to 0.04", "increase-lr-to-0-04"],
    // The app reads a leading `<n>-` as the experiment number: an outsider must not pick it.
    ["3 layers instead of 4", "x-3-layers-instead-of-4"],
    ["2", "x-2"],
    ["2x wider MLP", "2x-wider-mlp"],
    ["!!!", "experiment"],
  ])("%s → %s", (text, slug) => {
    expect(proposalSlug(text)).toBe(slug);
  });
});
