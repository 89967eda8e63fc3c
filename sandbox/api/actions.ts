/** GitHub Actions REST: workflow dispatch, runs (list, get, cancel), workflows. */
import { parse } from "yaml";
import type { WorkflowRecord, WorkflowRunRecord } from "../model.js";
import { workflowObject, workflowRunObject } from "../rest-objects.js";
import { ApiError, notFound, type World } from "../world.js";
import { type Ctx, intParam, ok, paginate, type Routes, who } from "./route.js";

export async function workflowRunJson(world: World, run: WorkflowRunRecord) {
  return workflowRunObject(world.urls, world.repo, run, {
    headCommit: await world.git.readCommit(run.head_sha),
    repoObj: world.repoJson(),
  });
}

/** Registers the workflow files on the default branch (GitHub lists those), returns them all. */
export async function syncWorkflows(world: World): Promise<WorkflowRecord[]> {
  const dir = await world.git.readPath(world.repo.default_branch, ".github/workflows");
  if (dir?.type === "dir") {
    for (const entry of dir.entries) {
      if (!/\.ya?ml$/.test(entry.path) || world.workflows.has(entry.path)) continue;
      const file = await world.git.readPath(world.repo.default_branch, entry.path);
      let name = entry.path;
      try {
        const doc = file?.type === "file" ? parse(file.content.toString("utf8")) : null;
        if (typeof doc?.name === "string") name = doc.name;
      } catch {
        // An unparsable workflow is still listed under its path, as on GitHub.
      }
      world.workflows.set(entry.path, {
        id: world.nextId("workflow"),
        name,
        path: entry.path,
        created_at: world.now(),
      });
    }
  }
  return [...world.workflows.values()];
}

/** `workflow_id` is a numeric id or a file name ("train.yml"). */
export async function findWorkflow(world: World, workflowId: string): Promise<WorkflowRecord> {
  const all = await syncWorkflows(world);
  const found = all.find(
    (w) =>
      String(w.id) === workflowId ||
      w.path === `.github/workflows/${workflowId}` ||
      w.path === workflowId,
  );
  if (!found) throw notFound();
  return found;
}

const STATUSES = new Set(["requested", "queued", "in_progress", "completed", "waiting", "pending"]);

async function listRuns(ctx: Ctx, workflow?: WorkflowRecord) {
  const world = ctx.world;
  const q = ctx.query;
  const runs = [...world.runs.values()]
    .filter((r) => !workflow || r.workflow.id === workflow.id)
    .filter((r) => !q.branch || r.head_branch === q.branch)
    .filter((r) => !q.event || r.event === q.event)
    .filter((r) => !q.actor || r.actor.login === q.actor)
    .filter((r) => !q.head_sha || r.head_sha === q.head_sha)
    .filter(
      (r) =>
        !q.status || (STATUSES.has(q.status) ? r.status === q.status : r.conclusion === q.status),
    )
    .sort((a, b) => b.id - a.id);
  const reply = paginate(ctx, runs);
  reply.body = {
    total_count: runs.length,
    workflow_runs: await Promise.all(
      (reply.body as WorkflowRunRecord[]).map((r) => workflowRunJson(world, r)),
    ),
  };
  return reply;
}

function run(world: World, id: number): WorkflowRunRecord {
  const r = world.runs.get(id);
  if (!r) throw notFound();
  return r;
}

export const actionsRoutes: Routes = {
  "actions/create-workflow-dispatch": {
    access: { scope: "repo", perm: "actions", level: "write" },
    async handle(ctx) {
      const body = ctx.body as {
        ref: string;
        inputs?: Record<string, unknown>;
        return_run_details?: boolean;
      };
      const { runId } = await ctx.actions.dispatch({
        workflowId: ctx.params.workflow_id,
        ref: body.ref,
        inputs: body.inputs ?? {},
        actor: who(ctx),
      });
      if (!body.return_run_details) return { status: 204 };
      const full = `${ctx.world.repo.owner.login}/${ctx.world.repo.name}`;
      return ok({
        workflow_run_id: runId,
        run_url: `${ctx.world.urls.api}/repos/${full}/actions/runs/${runId}`,
        html_url: `${ctx.world.urls.html}/${full}/actions/runs/${runId}`,
      });
    },
  },

  "actions/list-workflow-runs-for-repo": {
    access: { scope: "repo", perm: "actions" },
    handle: (ctx) => listRuns(ctx),
  },

  "actions/list-workflow-runs": {
    access: { scope: "repo", perm: "actions" },
    async handle(ctx) {
      return listRuns(ctx, await findWorkflow(ctx.world, ctx.params.workflow_id));
    },
  },

  "actions/get-workflow-run": {
    access: { scope: "repo", perm: "actions" },
    handle: async (ctx) =>
      ok(await workflowRunJson(ctx.world, run(ctx.world, intParam(ctx, "run_id")))),
  },

  "actions/cancel-workflow-run": {
    access: { scope: "repo", perm: "actions", level: "write" },
    async handle(ctx) {
      const r = run(ctx.world, intParam(ctx, "run_id"));
      if (r.status === "completed")
        throw new ApiError(409, "Cannot cancel a workflow run that is completed.");
      await ctx.actions.cancel(r.id);
      return ok({}, 202);
    },
  },

  // Settings → Actions → General → Workflow permissions ("Allow GitHub Actions to create and
  // approve pull requests" is can_approve_pull_request_reviews).
  "actions/get-github-actions-default-workflow-permissions-repository": {
    access: { scope: "repo", perm: "administration", userRole: "admin" },
    handle: (ctx) => ok({ ...ctx.world.actionsWorkflowPermissions }),
  },

  "actions/set-github-actions-default-workflow-permissions-repository": {
    access: { scope: "repo", perm: "administration", level: "write", userRole: "admin" },
    handle(ctx) {
      const body = ctx.body as {
        default_workflow_permissions?: "read" | "write";
        can_approve_pull_request_reviews?: boolean;
      };
      const settings = ctx.world.actionsWorkflowPermissions;
      if (body.default_workflow_permissions)
        settings.default_workflow_permissions = body.default_workflow_permissions;
      if (body.can_approve_pull_request_reviews !== undefined)
        settings.can_approve_pull_request_reviews = body.can_approve_pull_request_reviews;
      return { status: 204 };
    },
  },

  "actions/list-repo-workflows": {
    access: { scope: "repo", perm: "actions" },
    async handle(ctx) {
      const all = await syncWorkflows(ctx.world);
      return paginate(ctx, all, (page) => ({
        total_count: all.length,
        workflows: page.map((w) => workflowObject(ctx.world.urls, ctx.world.repo, w)),
      }));
    },
  },

  "actions/get-workflow": {
    access: { scope: "repo", perm: "actions" },
    handle: async (ctx) =>
      ok(
        workflowObject(
          ctx.world.urls,
          ctx.world.repo,
          await findWorkflow(ctx.world, ctx.params.workflow_id),
        ),
      ),
  },
};
