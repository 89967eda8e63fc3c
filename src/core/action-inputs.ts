import * as z from "zod";

const positive = (name: string) =>
  z
    .string()
    .trim()
    .refine((s) => s !== "" && Number.isFinite(Number(s)) && Number(s) > 0, {
      message: `${name} must be a positive number`,
    })
    .transform(Number);

const pathList = z.string().transform((s) =>
  s
    .split(/[,\n]/)
    .map((p) => p.trim())
    .filter(Boolean),
);

/** The action's inputs as the runner hands them over (strings), validated once. */
export const ActionInputsSchema = z.object({
  command: z.string().trim().min(1, "command must not be empty"),
  workingDirectory: z.string().trim().min(1),
  timeoutMinutes: positive("timeout-minutes"),
  killGraceSeconds: positive("kill-grace-seconds"),
  anomalySeconds: positive("anomaly-seconds"),
  allowedPaths: pathList.refine((l) => l.length > 0, "allowed-paths must name at least one path"),
  requiredPaths: pathList,
  logFile: z.string().trim().min(1),
  pullRequest: z
    .string()
    .trim()
    .refine((s) => s === "" || /^[1-9]\d*$/.test(s), "pull-request must be a PR number")
    .transform((s) => (s === "" ? null : Number(s))),
  progressInterval: positive("progress-interval"),
  githubToken: z.string().trim(),
  /** How the training command is contained: `none` (a process group) or `bubblewrap` (namespaces). */
  isolation: z
    .string()
    .trim()
    .transform((s) => s || "none")
    .pipe(
      z.enum(["none", "bubblewrap"], {
        message: "isolation must be none or bubblewrap",
      }),
    ),
  isolationNetwork: z
    .string()
    .trim()
    .transform((s) => s.toLowerCase())
    .refine((s) => ["", "true", "false"].includes(s), "isolation-network must be true or false")
    .transform((s) => s === "true"),
  /** Extra values to hide in run.log and the PR comment, one a line. */
  redact: z.string().transform((s) =>
    s
      .split("\n")
      .map((v) => v.trim())
      .filter(Boolean),
  ),
});
export type ActionInputs = z.infer<typeof ActionInputsSchema>;

export const INPUT_NAMES = {
  command: "command",
  workingDirectory: "working-directory",
  timeoutMinutes: "timeout-minutes",
  killGraceSeconds: "kill-grace-seconds",
  anomalySeconds: "anomaly-seconds",
  allowedPaths: "allowed-paths",
  requiredPaths: "required-paths",
  logFile: "log-file",
  pullRequest: "pull-request",
  progressInterval: "progress-interval",
  githubToken: "github-token",
  isolation: "isolation",
  isolationNetwork: "isolation-network",
  redact: "redact",
} as const satisfies Record<keyof ActionInputs, string>;

export class InputError extends Error {
  override name = "InputError";
}

/** Validates raw inputs; every problem is named by its action.yml input name. */
export function parseActionInputs(raw: Record<keyof ActionInputs, string>): ActionInputs {
  const parsed = ActionInputsSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const key = issue.path[0] as keyof ActionInputs;
    return `input '${INPUT_NAMES[key] ?? String(key)}': ${issue.message}`;
  });
  throw new InputError(
    `Invalid action inputs (fix the workflow's \`with:\`): ${problems.join("; ")}`,
  );
}

/** `~/x` → `<home>/x`, so required-paths can name the runner user's cache. */
export function expandHome(path: string, home: string): string {
  return path === "~" || path.startsWith("~/") ? home + path.slice(1) : path;
}
