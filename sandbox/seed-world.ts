/**
 * The sandbox's starting state, shared by `startSandbox` (over HTTP) and `inMemoryGitHub`
 * (in-process): `acme/research` with its first commit, GitHub's default labels, the app
 * installed with its permissions and events, octocat (admin) and mallory (read), and a fork.
 */
import { join } from "node:path";
import type { Permissions, RepoRecord, RepoRole } from "./model.js";
import { World } from "./world.js";

/** Events a GitHub App like ours subscribes to. */
export const DEFAULT_APP_EVENTS = [
  "check_run",
  "create",
  "delete",
  "issue_comment",
  "issues",
  "pull_request",
  "push",
  "repository_dispatch",
  "workflow_run",
];

/** What the autoresearch app asks for at installation. */
export const DEFAULT_APP_PERMISSIONS: Permissions = {
  actions: "write",
  checks: "write",
  contents: "write",
  issues: "write",
  metadata: "read",
  pull_requests: "write",
};

/** Labels every new GitHub repository starts with. */
const GITHUB_DEFAULT_LABELS = [
  ["bug", "d73a4a", "Something isn't working"],
  ["documentation", "0075ca", "Improvements or additions to documentation"],
  ["duplicate", "cfd3d7", "This issue or pull request already exists"],
  ["enhancement", "a2eeef", "New feature or request"],
  ["good first issue", "7057ff", "Good for newcomers"],
  ["help wanted", "008672", "Extra attention is needed"],
  ["invalid", "e4e669", "This doesn't seem right"],
  ["question", "d876e3", "Further information is requested"],
  ["wontfix", "ffffff", "This will not be worked on"],
] as const;

export interface SeedOptions {
  /** Directory committed as the first commit of `main`. */
  seedDir: string;
  owner?: { login: string; type: "User" | "Organization" };
  repo?: string;
  private?: boolean;
  /** Labels created besides GitHub's defaults. */
  labels?: { name: string; color?: string; description?: string }[];
  appSlug?: string;
  appEvents?: string[];
  appPermissions?: Permissions;
  /** Extra users beyond octocat (admin) and mallory (read). */
  users?: { login: string; role: RepoRole; scopes?: string[] }[];
  /** A fork owned by a sandbox user (default `{ owner: "mallory" }`); `false` for none. */
  fork?: { owner: string; name?: string } | false;
}

/** A World for `acme/research` (by default) seeded from `seedDir`; its git repo goes in `workDir`. */
export async function seedWorld(
  workDir: string,
  opts: SeedOptions,
): Promise<{ world: World; fork: RepoRecord | null }> {
  const owner = opts.owner ?? { login: "acme", type: "Organization" as const };
  const slug = opts.appSlug ?? "autoresearch-bot";
  const users = [
    {
      login: "octocat",
      role: "admin" as RepoRole,
      scopes: ["repo", "gist", "workflow"],
      name: "The Octocat",
    },
    { login: "mallory", role: "read" as RepoRole, scopes: ["repo"], name: "Mallory" },
    ...(opts.users ?? []).map((u) => ({ ...u, scopes: u.scopes ?? ["repo"] })),
  ];
  const world = await World.create({
    gitDir: join(workDir, "repo.git"),
    owner,
    repo: opts.repo ?? "research",
    private: opts.private ?? true,
    app: {
      id: 424242,
      slug,
      name: slug,
      permissions: opts.appPermissions ?? DEFAULT_APP_PERMISSIONS,
      events: opts.appEvents ?? DEFAULT_APP_EVENTS,
    },
    users,
  });
  await world.git.seed(opts.seedDir);
  const forkOption = opts.fork === undefined ? { owner: "mallory" } : opts.fork;
  const fork = forkOption ? world.createFork(forkOption.owner, forkOption.name) : null;
  for (const [name, color, description] of GITHUB_DEFAULT_LABELS)
    world.labels.push({ id: world.nextId("label"), name, color, description, default: true });
  for (const l of opts.labels ?? [])
    world.labels.push({
      id: world.nextId("label"),
      name: l.name,
      color: l.color ?? "ededed",
      description: l.description ?? null,
      default: false,
    });
  return { world, fork };
}
