/** What a maintainer can say in a comment: `/autoresearch <verb> [tag]`. */
export type Command =
  | { kind: "start"; tag: string }
  | { kind: "pause" | "resume" | "stop" | "status" | "rebuild" }
  | { kind: "invalid"; message: string };

const RUN_VERBS = ["pause", "resume", "stop", "status", "rebuild"] as const;
const USAGE =
  "usage: `/autoresearch start <tag>` or `/autoresearch pause|resume|stop|status|rebuild`";

/** The first `/autoresearch` line of a comment, or null when there is none. */
export function parseCommand(body: string): Command | null {
  const line = body
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => /^\/autoresearch(\s|$)/.test(l));
  if (line === undefined) return null;
  const [, verb = "", ...rest] = line.split(/\s+/);
  if (verb === "start") {
    if (rest.length !== 1)
      return { kind: "invalid", message: `start needs exactly one tag; ${USAGE}` };
    return { kind: "start", tag: rest[0] };
  }
  const known = RUN_VERBS.find((v) => v === verb);
  if (known && rest.length === 0) return { kind: known };
  return { kind: "invalid", message: verb ? `unknown command \`${line}\`; ${USAGE}` : USAGE };
}
