/**
 * Workflow files as the sandbox runner understands them: the `workflow_dispatch` trigger and its
 * inputs (validated like GitHub validates a dispatch), the event triggers `issue_comment`,
 * `repository_dispatch` and `schedule`, jobs (with their `if:`) and steps, and `${{ }}` expressions.
 */
import { parse } from "yaml";
import { normalizePermissions } from "./auth.js";
import type { Permissions } from "./model.js";
import { ApiError } from "./world.js";

export interface DispatchInput {
  type: "string" | "boolean" | "choice" | "number" | "environment";
  required: boolean;
  default?: string;
  options?: string[];
}

export interface WorkflowStep {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  if?: string;
  shell?: string;
  "working-directory"?: string;
  "continue-on-error"?: boolean;
}

export interface WorkflowJob {
  id: string;
  name: string;
  /** The job's `if:` (unevaluated); a job whose condition is false is skipped. */
  if?: string;
  runsOn: string[];
  timeoutMinutes: number;
  permissions: Permissions | null;
  env: Record<string, unknown>;
  steps: WorkflowStep[];
}

export interface Concurrency {
  /** Unevaluated: may contain `${{ }}` expressions. */
  group: string;
  cancelInProgress: boolean;
}

export interface Workflow {
  name: string | null;
  concurrency: Concurrency | null;
  runName: string | null;
  /** null when the workflow has no workflow_dispatch trigger. */
  dispatchInputs: Record<string, DispatchInput> | null;
  /** The event triggers besides workflow_dispatch. */
  triggers: Triggers;
  permissions: Permissions | null;
  env: Record<string, unknown>;
  jobs: WorkflowJob[];
}

/**
 * Event triggers: `types` null means every activity type (GitHub's default when `types` is
 * not given); `schedule` lists the cron lines.
 */
export interface Triggers {
  issue_comment?: { types: string[] | null };
  repository_dispatch?: { types: string[] | null };
  schedule?: string[];
}

/** GitHub's default job timeout (minutes). */
const DEFAULT_TIMEOUT_MINUTES = 360;

export function parseWorkflow(text: string, path: string): Workflow {
  // biome-ignore lint/suspicious/noExplicitAny: raw YAML, checked field by field below
  let doc: any;
  try {
    doc = parse(text);
  } catch (cause) {
    throw new Error(`${path} is not valid YAML: ${String(cause)}`, { cause });
  }
  if (!doc || typeof doc !== "object")
    throw new Error(`${path} is not a workflow (expected a mapping)`);
  // YAML 1.1 reads a bare `on` key as boolean true; GitHub accepts both spellings.
  const on = doc.on ?? doc.true;
  return {
    name: typeof doc.name === "string" ? doc.name : null,
    runName: typeof doc["run-name"] === "string" ? doc["run-name"] : null,
    concurrency: concurrencyOf(doc.concurrency),
    dispatchInputs: dispatchInputsOf(on),
    triggers: triggersOf(on),
    permissions: permissionsOf(doc.permissions),
    env: doc.env ?? {},
    jobs: Object.entries(doc.jobs ?? {}).map(([id, job]) =>
      jobOf(id, job as Record<string, unknown>),
    ),
  };
}

function dispatchInputsOf(on: unknown): Record<string, DispatchInput> | null {
  if (on === "workflow_dispatch") return {};
  if (Array.isArray(on)) return on.includes("workflow_dispatch") ? {} : null;
  if (!on || typeof on !== "object" || !("workflow_dispatch" in on)) return null;
  const raw = ((on as Record<string, { inputs?: Record<string, Record<string, unknown>> } | null>)
    .workflow_dispatch?.inputs ?? {}) as Record<string, Record<string, unknown>>;
  const inputs: Record<string, DispatchInput> = {};
  for (const [name, spec] of Object.entries(raw)) {
    inputs[name] = {
      type: (spec?.type as DispatchInput["type"]) ?? "string",
      required: spec?.required === true,
      ...(spec?.default !== undefined ? { default: String(spec.default) } : {}),
      ...(Array.isArray(spec?.options) ? { options: spec.options.map(String) } : {}),
    };
  }
  return inputs;
}

function triggersOf(on: unknown): Triggers {
  const names: string[] =
    typeof on === "string"
      ? [on]
      : Array.isArray(on)
        ? on.map(String)
        : on && typeof on === "object"
          ? Object.keys(on)
          : [];
  const spec = (name: string): Record<string, unknown> =>
    on && typeof on === "object" && !Array.isArray(on)
      ? (((on as Record<string, unknown>)[name] ?? {}) as Record<string, unknown>)
      : {};
  const types = (name: string) => {
    const raw = spec(name).types;
    return raw === undefined ? null : ([] as unknown[]).concat(raw).map(String);
  };
  const triggers: Triggers = {};
  if (names.includes("issue_comment")) triggers.issue_comment = { types: types("issue_comment") };
  if (names.includes("repository_dispatch"))
    triggers.repository_dispatch = { types: types("repository_dispatch") };
  if (names.includes("schedule")) {
    const raw = (on as Record<string, unknown>).schedule;
    triggers.schedule = (Array.isArray(raw) ? raw : []).map((c) =>
      String((c as { cron?: unknown })?.cron ?? ""),
    );
  }
  return triggers;
}

function concurrencyOf(raw: unknown): Concurrency | null {
  if (typeof raw === "string") return { group: raw, cancelInProgress: false };
  if (raw && typeof raw === "object" && "group" in raw) {
    const r = raw as { group: unknown; "cancel-in-progress"?: unknown };
    return {
      group: String(r.group),
      cancelInProgress: r["cancel-in-progress"] === true || r["cancel-in-progress"] === "true",
    };
  }
  return null;
}

/** `permissions: read-all|write-all|{...}`; unspecified scopes get none (GitHub's rule). */
function permissionsOf(raw: unknown): Permissions | null {
  if (raw === undefined || raw === null) return null;
  const all = [
    "actions",
    "checks",
    "contents",
    "deployments",
    "issues",
    "packages",
    "pull_requests",
    "statuses",
  ];
  if (raw === "read-all" || raw === "write-all") {
    return Object.fromEntries(
      all.map((p) => [p, raw === "read-all" ? "read" : "write"]),
    ) as Permissions;
  }
  if (typeof raw === "object") return normalizePermissions(raw as Record<string, string>);
  return {};
}

function jobOf(id: string, job: Record<string, unknown>): WorkflowJob {
  const runsOn = job["runs-on"];
  return {
    id,
    name: typeof job.name === "string" ? job.name : id,
    ...(job.if !== undefined ? { if: String(job.if) } : {}),
    runsOn: Array.isArray(runsOn) ? runsOn.map(String) : runsOn ? [String(runsOn)] : [],
    timeoutMinutes: Number(job["timeout-minutes"] ?? DEFAULT_TIMEOUT_MINUTES),
    permissions: permissionsOf(job.permissions),
    env: (job.env as Record<string, unknown>) ?? {},
    steps: ((job.steps as WorkflowStep[]) ?? []).map((s) => ({ ...s })),
  };
}

/**
 * Checks a dispatch's inputs against the declared ones, the way GitHub answers a bad dispatch
 * (422), and returns every input as the string the `inputs` context holds (defaults applied).
 */
export function resolveDispatchInputs(
  declared: Record<string, DispatchInput>,
  given: Record<string, unknown>,
): Record<string, string> {
  const unexpected = Object.keys(given).filter((k) => !(k in declared));
  if (unexpected.length > 0)
    throw new ApiError(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    const value = given[name];
    if (value === undefined || value === null || value === "") {
      if (spec.required && spec.default === undefined)
        throw new ApiError(422, `Required input '${name}' not provided`);
      out[name] = spec.default ?? (spec.type === "boolean" ? "false" : "");
      continue;
    }
    out[name] = coerceInput(name, spec, value);
  }
  return out;
}

function coerceInput(name: string, spec: DispatchInput, value: unknown): string {
  const invalid = () => new ApiError(422, `Invalid value for input '${name}'`);
  switch (spec.type) {
    case "boolean":
      if (value === true || value === false || value === "true" || value === "false")
        return String(value);
      throw invalid();
    case "number":
      if (
        typeof value === "number" ||
        (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value)))
      )
        return String(value);
      throw invalid();
    case "choice":
      if (typeof value !== "string") throw invalid();
      if (spec.options && !spec.options.includes(value)) {
        throw new ApiError(
          422,
          `Provided value '${value}' for input '${name}' not in the list of allowed values`,
        );
      }
      return value;
    default:
      // JSON numbers for string inputs are refused (422 "Invalid value for input").
      if (typeof value !== "string") throw invalid();
      return value;
  }
}

export interface ExpressionContext {
  inputs: Record<string, string>;
  github: Record<string, unknown>;
  secrets: Record<string, string>;
  env: Record<string, string>;
  steps: Record<string, { outputs: Record<string, string>; outcome?: string; conclusion?: string }>;
  runner: Record<string, string>;
  job: Record<string, unknown>;
}

/**
 * Substitutes `${{ expr }}` in a string. Supports property paths into the contexts, string,
 * number and boolean literals, `||`, `&&`, `==`, `!=`, `!`, the status functions and
 * `startsWith`, `endsWith`, `contains` (of two strings); anything
 * else is reported through `onUnsupported` and evaluates to "".
 */
export function evaluateTemplate(
  template: string,
  ctx: ExpressionContext,
  onUnsupported: (expr: string) => void = () => {},
): string {
  return template.replace(/\$\{\{\s*([\s\S]*?)\s*\}\}/g, (_all, expr: string) =>
    toText(evaluateExpression(expr, ctx, onUnsupported)),
  );
}

function toText(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function evaluateExpression(
  expr: string,
  ctx: ExpressionContext,
  onUnsupported: (expr: string) => void = () => {},
): unknown {
  const e = expr.trim().replace(/^\$\{\{\s*|\s*\}\}$/g, "");
  const or = splitTop(e, "||");
  if (or.length > 1) {
    for (const part of or) {
      const v = evaluateExpression(part, ctx, onUnsupported);
      if (truthy(v)) return v;
    }
    return evaluateExpression(or[or.length - 1], ctx, onUnsupported);
  }
  const and = splitTop(e, "&&");
  if (and.length > 1) {
    let v: unknown = true;
    for (const part of and) {
      v = evaluateExpression(part, ctx, onUnsupported);
      if (!truthy(v)) return v;
    }
    return v;
  }
  for (const op of ["==", "!="]) {
    const sides = splitTop(e, op);
    if (sides.length === 2) {
      const [a, b] = sides.map((s) => evaluateExpression(s, ctx, onUnsupported));
      const equal = String(a ?? "").toLowerCase() === String(b ?? "").toLowerCase();
      return op === "==" ? equal : !equal;
    }
  }
  if (e.startsWith("!")) return !truthy(evaluateExpression(e.slice(1), ctx, onUnsupported));
  // GitHub's string functions compare without regard to case.
  const call = /^(startsWith|endsWith|contains)\((.*)\)$/i.exec(e);
  if (call) {
    const args = splitTop(call[2], ",").map((a) => evaluateExpression(a, ctx, onUnsupported));
    if (args.length !== 2) {
      onUnsupported(e);
      return "";
    }
    const [a, b] = args.map((v) => toText(v).toLowerCase());
    const fn = call[1].toLowerCase();
    return fn === "startswith"
      ? a.startsWith(b)
      : fn === "endswith"
        ? a.endsWith(b)
        : a.includes(b);
  }
  if (/^\(.*\)$/.test(e)) return evaluateExpression(e.slice(1, -1), ctx, onUnsupported);
  if (/^'.*'$/.test(e)) return e.slice(1, -1).replaceAll("''", "'");
  if (/^-?\d+(\.\d+)?$/.test(e)) return Number(e);
  if (e === "true" || e === "false") return e === "true";
  if (e === "null") return null;
  const status = /^(success|failure|always|cancelled)\(\)$/.exec(e);
  if (status) {
    const s = String(ctx.job.status ?? "success");
    return status[1] === "always"
      ? true
      : status[1] === "success"
        ? s === "success"
        : status[1] === "failure"
          ? s === "failure"
          : s === "cancelled";
  }
  if (/^[A-Za-z_][\w-]*(\.[\w-]+|\[\s*'[^']*'\s*\])*$/.test(e)) return lookup(e, ctx);
  onUnsupported(e);
  return "";
}

function truthy(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false && v !== "" && v !== 0;
}

function splitTop(expr: string, op: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = false;
  let start = 0;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === "'") quote = !quote;
    if (quote) continue;
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (
      depth === 0 &&
      expr.startsWith(op, i) &&
      !(op === "==" && expr[i - 1] === "!") &&
      !(op.length === 2 && expr[i + 2] === "=")
    ) {
      parts.push(expr.slice(start, i).trim());
      start = i + op.length;
      i += op.length - 1;
    }
  }
  parts.push(expr.slice(start).trim());
  return parts;
}

function lookup(path: string, ctx: ExpressionContext): unknown {
  const keys = path.replace(/\[\s*'([^']*)'\s*\]/g, ".$1").split(".");
  // biome-ignore lint/suspicious/noExplicitAny: walking arbitrary contexts
  let current: any = ctx;
  for (const key of keys) {
    if (current === undefined || current === null) return undefined;
    // Context property names are case-insensitive in GitHub expressions.
    const match = Object.keys(current).find((k) => k.toLowerCase() === key.toLowerCase());
    current = match === undefined ? undefined : current[match];
  }
  return current;
}
