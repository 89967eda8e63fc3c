/** Check runs: created and updated by apps (never by user tokens), listed per ref, re-requested. */
import type { Actor } from "../auth.js";
import type { Account, AppRecord, CheckRunRecord, CheckSuiteRecord } from "../model.js";
import { checkRunObject, pullRefObject } from "../rest-objects.js";
import { ApiError, notFound, validationFailed, type World } from "../world.js";
import { intParam, ok, paginate, type Routes, who } from "./route.js";

type Output = { title?: string; summary?: string; text?: string; annotations?: unknown[] };
type Action = { label: string; description: string; identifier: string };

interface CheckInput {
  name?: string;
  head_sha?: string;
  status?: CheckRunRecord["status"];
  conclusion?: string;
  started_at?: string;
  completed_at?: string;
  details_url?: string;
  external_id?: string;
  output?: Output;
  actions?: Action[];
}

function appOf(actor: Actor): AppRecord {
  if (actor.kind === "installation" || actor.kind === "actions") return actor.app;
  throw new ApiError(403, "You must authenticate via a GitHub App.");
}

export function suiteFor(
  world: World,
  app: AppRecord,
  headSha: string,
  headBranch: string | null,
): CheckSuiteRecord {
  let suite = world.checkSuites.find((s) => s.app.id === app.id && s.head_sha === headSha);
  if (!suite) {
    suite = {
      id: world.nextId("check_suite"),
      head_sha: headSha,
      head_branch: headBranch,
      app,
      created_at: world.now(),
    };
    world.checkSuites.push(suite);
  }
  return suite;
}

/**
 * Open PRs whose head is the check's commit (what check runs list in `pull_requests`). PRs from
 * forks are not listed: "pull_requests ... only includes pull requests from the same repository"
 * / "when the check suite's head_branch is in a forked repository it will be null and the
 * pull_requests array will be empty" (check_run / check_suite webhook docs).
 */
function pullsFor(world: World, sha: string) {
  return [...world.issues.values()]
    .filter(
      (i) =>
        i.pull_request &&
        i.state === "open" &&
        !i.pull_request.head.owner &&
        i.pull_request.head.sha === sha,
    )
    .map((i) => pullRefObject(world.urls, world.repo, i));
}

export function checkRunJson(world: World, run: CheckRunRecord) {
  return checkRunObject(world.urls, world.repo, run, pullsFor(world, run.head_sha));
}

async function branchOfSha(world: World, sha: string): Promise<string | null> {
  const refs = await world.git.listRefs("refs/heads/");
  return refs.find((r) => r.sha === sha)?.ref.slice("refs/heads/".length) ?? null;
}

export async function createCheckRun(
  world: World,
  app: AppRecord,
  sender: Account,
  input: CheckInput,
): Promise<CheckRunRecord> {
  if ((await world.git.objectType(input.head_sha ?? "")) !== "commit") {
    throw validationFailed(`No commit found for SHA: ${input.head_sha}`);
  }
  if ((input.status === "completed" || input.completed_at) && !input.conclusion) {
    throw validationFailed(
      'Invalid request.\n\n`conclusion` is required when `status` is "completed".',
    );
  }
  const status = input.conclusion ? "completed" : (input.status ?? "queued");
  const at = world.now();
  const run: CheckRunRecord = {
    id: world.nextId("check_run"),
    name: input.name ?? "check",
    head_sha: input.head_sha!,
    status,
    conclusion: input.conclusion ?? null,
    started_at: input.started_at ?? at,
    completed_at: status === "completed" ? (input.completed_at ?? at) : null,
    details_url: input.details_url ?? null,
    external_id: input.external_id ?? null,
    output: {
      title: input.output?.title ?? null,
      summary: input.output?.summary ?? null,
      text: input.output?.text ?? null,
      annotations_count: input.output?.annotations?.length ?? 0,
    },
    actions: input.actions ?? [],
    app,
    suite: suiteFor(world, app, input.head_sha!, await branchOfSha(world, input.head_sha!)),
  };
  world.checkRuns.set(run.id, run);
  world.emit("check_run", sender, { action: "created", check_run: checkRunJson(world, run) });
  if (status === "completed")
    world.emit("check_run", sender, { action: "completed", check_run: checkRunJson(world, run) });
  return run;
}

export function updateCheckRun(
  world: World,
  run: CheckRunRecord,
  sender: Account,
  input: CheckInput,
): CheckRunRecord {
  if (
    (input.status === "completed" || input.completed_at) &&
    !input.conclusion &&
    !run.conclusion
  ) {
    throw validationFailed(
      'Invalid request.\n\n`conclusion` is required when `status` is "completed".',
    );
  }
  const wasCompleted = run.status === "completed";
  if (input.name !== undefined) run.name = input.name;
  if (input.details_url !== undefined) run.details_url = input.details_url;
  if (input.external_id !== undefined) run.external_id = input.external_id;
  if (input.started_at !== undefined) run.started_at = input.started_at;
  if (input.actions !== undefined) run.actions = input.actions;
  if (input.output) {
    run.output = {
      title: input.output.title ?? run.output.title,
      summary: input.output.summary ?? run.output.summary,
      text: input.output.text ?? run.output.text,
      annotations_count: run.output.annotations_count + (input.output.annotations?.length ?? 0),
    };
  }
  if (input.status) run.status = input.status;
  if (input.conclusion) {
    run.conclusion = input.conclusion;
    run.status = "completed";
  }
  if (run.status === "completed")
    run.completed_at = input.completed_at ?? run.completed_at ?? world.now();
  if (!wasCompleted && run.status === "completed")
    world.emit("check_run", sender, { action: "completed", check_run: checkRunJson(world, run) });
  return run;
}

/** A human clicked "Re-run" on the check: GitHub tells the app that owns the check run. */
export function rerequestCheckRun(world: World, run: CheckRunRecord, sender: Account): void {
  world.emit("check_run", sender, { action: "rerequested", check_run: checkRunJson(world, run) });
}

function checkRun(world: World, id: number): CheckRunRecord {
  const run = world.checkRuns.get(id);
  if (!run) throw notFound();
  return run;
}

export const checkRoutes: Routes = {
  "checks/create": {
    access: { scope: "repo", perm: "checks", level: "write", appsOnly: true },
    async handle(ctx) {
      const run = await ctx.world.exclusive(() =>
        createCheckRun(ctx.world, appOf(ctx.actor), who(ctx), ctx.body as CheckInput),
      );
      return ok(checkRunJson(ctx.world, run), 201);
    },
  },

  "checks/update": {
    access: { scope: "repo", perm: "checks", level: "write", appsOnly: true },
    handle(ctx) {
      const run = checkRun(ctx.world, intParam(ctx, "check_run_id"));
      if (run.app.id !== appOf(ctx.actor).id)
        throw new ApiError(
          403,
          `Invalid app_id \`${appOf(ctx.actor).id}\` - check run can only be modified by the GitHub App that created it.`,
        );
      return ok(
        checkRunJson(ctx.world, updateCheckRun(ctx.world, run, who(ctx), ctx.body as CheckInput)),
      );
    },
  },

  "checks/get": {
    access: { scope: "repo", perm: "checks" },
    handle: (ctx) =>
      ok(checkRunJson(ctx.world, checkRun(ctx.world, intParam(ctx, "check_run_id")))),
  },

  "checks/rerequest-run": {
    access: { scope: "repo", perm: "checks", level: "write" },
    handle(ctx) {
      rerequestCheckRun(ctx.world, checkRun(ctx.world, intParam(ctx, "check_run_id")), who(ctx));
      return ok({}, 201);
    },
  },

  "checks/list-for-ref": {
    access: { scope: "repo", perm: "checks" },
    async handle(ctx) {
      const world = ctx.world;
      const ref = ctx.params.ref;
      const sha =
        (await world.git.resolveCommit(ref)) ??
        (await world.git.resolveCommit(`refs/heads/${ref}`));
      if (!sha) throw new ApiError(422, `No commit found for SHA: ${ref}`);
      let runs = [...world.checkRuns.values()].filter((r) => r.head_sha === sha);
      if (ctx.query.check_name) runs = runs.filter((r) => r.name === ctx.query.check_name);
      if (ctx.query.status) runs = runs.filter((r) => r.status === ctx.query.status);
      if (ctx.query.app_id) runs = runs.filter((r) => String(r.app.id) === ctx.query.app_id);
      if ((ctx.query.filter ?? "latest") === "latest") {
        // Only the most recent run per name (and app), like GitHub's default.
        const latest = new Map<string, CheckRunRecord>();
        for (const r of runs) {
          const key = `${r.app.id}:${r.name}`;
          if (!latest.has(key) || latest.get(key)!.id < r.id) latest.set(key, r);
        }
        runs = [...latest.values()];
      }
      runs.sort((a, b) => b.id - a.id);
      return paginate(ctx, runs, (page) => ({
        total_count: runs.length,
        check_runs: page.map((r) => checkRunJson(world, r)),
      }));
    },
  },
};
