/**
 * The sandbox's state: one repository (git content in a bare repo, everything else in memory),
 * its users, the GitHub App and its installation. Operations live in sandbox/api/*; this file
 * holds the records, lookups, JSON renderings and the event hook they share.
 */
import { GitStore } from "./git-store.js";
import type {
  Account,
  AppRecord,
  CheckRunRecord,
  CheckSuiteRecord,
  CommentRecord,
  GistRecord,
  InstallationRecord,
  IssueRecord,
  LabelRecord,
  Permissions,
  PushRecord,
  RepoRecord,
  RepoRole,
  WorkflowRecord,
  WorkflowRunRecord,
} from "./model.js";
import {
  commentObject,
  installationObject,
  issueObject,
  labelObject,
  organizationObject,
  type PullStats,
  pullObject,
  repoObject,
  type Urls,
  userObject,
} from "./rest-objects.js";

type Obj = Record<string, unknown>;

export interface UserRecord extends Account {
  role: RepoRole;
  /** Classic PAT scopes of the user's token. */
  scopes: string[];
}

/** Receives every event GitHub would announce; webhooks.ts delivers them. */
export type EventListener = (event: string, payload: Obj) => void;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: Obj[],
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * Where the sandbox stores forks' branches inside its one bare repository
 * (`refs/sandbox/forks/<owner>/heads/<branch>`). GitHub keeps a fork's refs in the fork; the base
 * repository's API never shows, resolves by name or writes anything under this prefix.
 */
export const FORKS_NAMESPACE = "refs/sandbox/forks/";

export const notFound = () => new ApiError(404, "Not Found");
export const validationFailed = (message: string, errors?: Obj[]) =>
  new ApiError(422, message, errors);

export interface WorldOptions {
  gitDir: string;
  owner: { login: string; type: "User" | "Organization" };
  repo: string;
  private: boolean;
  app: { id: number; slug: string; name: string; permissions: Permissions; events: string[] };
  users: { login: string; role: RepoRole; scopes: string[]; name?: string }[];
}

export class World {
  urls: Urls = { api: "http://127.0.0.1", html: "http://127.0.0.1" };
  readonly repo: RepoRecord;
  readonly app: AppRecord;
  readonly actionsApp: AppRecord;
  readonly installation: InstallationRecord;
  readonly users = new Map<string, UserRecord>();
  readonly labels: LabelRecord[] = [];
  readonly issues = new Map<number, IssueRecord>();
  readonly comments = new Map<number, CommentRecord>();
  readonly checkRuns = new Map<number, CheckRunRecord>();
  readonly checkSuites: CheckSuiteRecord[] = [];
  readonly workflows = new Map<string, WorkflowRecord>();
  readonly runs = new Map<number, WorkflowRunRecord>();
  readonly gists = new Map<string, GistRecord>();
  readonly pushes: PushRecord[] = [];
  /** Forks of the repository, by owner login (lower case). */
  readonly forks = new Map<string, RepoRecord>();
  readonly git: GitStore;
  readonly githubActionsBot: Account;
  /**
   * Settings → Actions → General → Workflow permissions. GitHub's defaults for a new repository:
   * a read-only GITHUB_TOKEN, and GitHub Actions may not create or approve pull requests.
   */
  readonly actionsWorkflowPermissions = {
    default_workflow_permissions: "read" as "read" | "write",
    can_approve_pull_request_reviews: false,
  };
  /** Work GitHub does after answering (update-branch): settle() waits for it. */
  readonly background = new Set<Promise<void>>();
  readonly backgroundErrors: unknown[] = [];
  #listeners: EventListener[] = [];
  #ids = new Map<string, number>();
  #lock: Promise<unknown> = Promise.resolve();

  private constructor(git: GitStore, options: WorldOptions) {
    this.git = git;
    const created = this.now();
    const owner: Account = {
      login: options.owner.login,
      id: this.nextId("account"),
      type: options.owner.type,
    };
    this.repo = {
      id: this.nextId("repo"),
      owner,
      name: options.repo,
      private: options.private,
      description: "Sandbox repository for autoresearch",
      default_branch: "main",
      created_at: created,
      updated_at: created,
      pushed_at: created,
      allow_squash_merge: true,
      allow_merge_commit: true,
      allow_rebase_merge: false,
      delete_branch_on_merge: false,
    };
    for (const u of options.users) {
      const id = this.nextId("account");
      this.users.set(u.login, {
        login: u.login,
        id,
        type: "User",
        role: u.role,
        scopes: u.scopes,
        name: u.name,
        email: `${id}+${u.login}@users.noreply.github.com`,
      });
    }
    const appOwner =
      options.owner.type === "Organization" ? owner : (this.users.values().next().value ?? owner);
    this.app = {
      ...options.app,
      client_id: `Iv1.${options.app.id.toString(16).padStart(16, "0")}`,
      owner: appOwner,
      created_at: created,
      bot: { login: `${options.app.slug}[bot]`, id: this.nextId("account"), type: "Bot" },
    };
    // The real GitHub Actions app (id 15368): author of GITHUB_TOKEN writes and of job check runs.
    this.githubActionsBot = { login: "github-actions[bot]", id: 41898282, type: "Bot" };
    this.actionsApp = {
      id: 15368,
      slug: "github-actions",
      name: "GitHub Actions",
      client_id: "Iv1.05c79e9ad1f6bdfa",
      owner: { login: "github", id: 9919, type: "Organization" },
      permissions: {
        actions: "write",
        checks: "write",
        contents: "write",
        issues: "write",
        metadata: "read",
        pull_requests: "write",
      },
      events: [],
      created_at: "2018-07-30T09:30:17Z",
      bot: this.githubActionsBot,
    };
    this.installation = {
      id: this.nextId("installation"),
      app: this.app,
      account: owner,
      permissions: options.app.permissions,
      events: options.app.events,
      created_at: created,
    };
  }

  static async create(options: WorldOptions): Promise<World> {
    return new World(await GitStore.init(options.gitDir), options);
  }

  /** Deterministic ids per kind, spaced so ids of different kinds rarely coincide. */
  nextId(kind: string): number {
    const bases: Record<string, number> = {
      account: 1000,
      repo: 500000,
      installation: 40000,
      issue: 2000000,
      comment: 3000000,
      label: 4000000,
      check_run: 5000000,
      check_suite: 6000000,
      workflow: 7000000,
      run: 8000000,
      number: 0,
    };
    const current = this.#ids.get(kind) ?? bases[kind] ?? 9000000;
    this.#ids.set(kind, current + 1);
    return current + 1;
  }

  /** GitHub timestamps: UTC, second precision. */
  now(): string {
    return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  onEvent(listener: EventListener): void {
    this.#listeners.push(listener);
  }

  /** Serializes writes, as GitHub does per repository, so concurrent merges cannot interleave. */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(fn, fn);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /** Runs `fn` after the current response, like GitHub's asynchronous jobs. */
  defer(fn: () => Promise<void>): void {
    const task: Promise<void> = new Promise<void>((resolve) => setImmediate(resolve))
      .then(fn)
      .catch((error: unknown) => {
        this.backgroundErrors.push(error);
      })
      .finally(() => this.background.delete(task));
    this.background.add(task);
  }

  // ---- accounts -------------------------------------------------------------------------

  user(login: string): UserRecord {
    const user = this.users.get(login);
    if (!user)
      throw new Error(`no sandbox user "${login}" (have ${[...this.users.keys()].join(", ")})`);
    return user;
  }

  /** The account behind a commit author email, like GitHub's commit → user mapping. */
  accountByEmail(email: string): Account | null {
    for (const u of this.users.values()) if (u.email === email) return u;
    if (email === `${this.app.bot.id}+${this.app.bot.login}@users.noreply.github.com`)
      return this.app.bot;
    if (email === "41898282+github-actions[bot]@users.noreply.github.com")
      return this.githubActionsBot;
    return null;
  }

  /** Role on the repository: used for user tokens and the collaborator permission API. */
  roleOf(login: string): RepoRole {
    if (login === this.repo.owner.login) return "admin";
    return this.users.get(login)?.role ?? "none";
  }

  // ---- forks ------------------------------------------------------------------------------

  /** Forks the repository into `login`'s account (a user of the sandbox), like "Fork" does. */
  createFork(login: string, name = this.repo.name): RepoRecord {
    const owner = this.user(login);
    const at = this.now();
    const fork: RepoRecord = {
      ...this.repo,
      id: this.nextId("repo"),
      owner: { login: owner.login, id: owner.id, type: "User" },
      name,
      created_at: at,
      updated_at: at,
      pushed_at: at,
    };
    this.forks.set(login.toLowerCase(), fork);
    return fork;
  }

  forkOf(login: string): RepoRecord | undefined {
    return this.forks.get(login.toLowerCase());
  }

  /** Where a fork's branch is stored (see FORKS_NAMESPACE). */
  forkBranchRef(login: string, branch: string): string {
    return `${FORKS_NAMESPACE}${login.toLowerCase()}/heads/${branch}`;
  }

  /** The full ref holding a PR's head branch: the base repo's branch or the fork's. */
  headRefOf(pull: { head: { ref: string; owner?: string } }): string {
    return pull.head.owner
      ? this.forkBranchRef(pull.head.owner, pull.head.ref)
      : `refs/heads/${pull.head.ref}`;
  }

  /** The owner of a PR's head repository. */
  headOwnerOf(pull: { head: { owner?: string } }): Account {
    return (pull.head.owner && this.forkOf(pull.head.owner)?.owner) || this.repo.owner;
  }

  // ---- lookups ----------------------------------------------------------------------------

  issue(number: number): IssueRecord {
    const issue = this.issues.get(number);
    if (!issue) throw notFound();
    return issue;
  }

  pull(number: number): IssueRecord & { pull_request: NonNullable<IssueRecord["pull_request"]> } {
    const issue = this.issues.get(number);
    if (!issue?.pull_request) throw notFound();
    return issue as IssueRecord & { pull_request: NonNullable<IssueRecord["pull_request"]> };
  }

  label(name: string): LabelRecord | undefined {
    return this.labels.find((l) => l.name.toLowerCase() === name.toLowerCase());
  }

  labelsOf(issue: IssueRecord): LabelRecord[] {
    return issue.labels.map((n) => this.label(n)).filter((l): l is LabelRecord => Boolean(l));
  }

  commentCount(number: number): number {
    let n = 0;
    for (const c of this.comments.values()) if (c.issue_number === number) n++;
    return n;
  }

  openIssueCount(): number {
    let n = 0;
    for (const i of this.issues.values()) if (i.state === "open") n++;
    return n;
  }

  // ---- renderings --------------------------------------------------------------------------

  repoJson(permissions?: Obj): Obj {
    return repoObject(this.urls, this.repo, { openIssues: this.openIssueCount(), permissions });
  }

  userJson(account: Account): Obj {
    return userObject(this.urls, account);
  }

  labelJson(label: LabelRecord): Obj {
    return labelObject(this.urls, this.repo, label);
  }

  issueJson(issue: IssueRecord): Obj {
    return issueObject(this.urls, this.repo, issue, {
      labels: this.labelsOf(issue),
      comments: this.commentCount(issue.number),
    });
  }

  commentJson(comment: CommentRecord): Obj {
    return commentObject(
      this.urls,
      this.repo,
      comment,
      Boolean(this.issues.get(comment.issue_number)?.pull_request),
    );
  }

  async pullStats(issue: IssueRecord): Promise<PullStats> {
    const pull = issue.pull_request!;
    const comments = this.commentCount(issue.number);
    const base = pull.merged
      ? pull.base.sha
      : ((await this.git.getRef(`refs/heads/${pull.base.ref}`)) ?? pull.base.sha);
    const mergeBase = (await this.git.mergeBase(base, pull.head.sha)) ?? base;
    const commits = await this.git.commitsBetween(mergeBase, pull.head.sha);
    const files = await this.git.diffFiles(mergeBase, pull.head.sha);
    return {
      comments,
      commits: commits.length,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
      changed_files: files.length,
    };
  }

  async pullJson(issue: IssueRecord): Promise<Obj> {
    return pullObject(this.urls, this.repo, issue, {
      labels: this.labelsOf(issue),
      stats: await this.pullStats(issue),
      repoObj: this.repoJson(),
      headRepo: this.#headRepo(issue),
    });
  }

  /** The list form (GET /pulls): no mergeability or diff stats, as on GitHub. */
  pullSimpleJson(issue: IssueRecord): Obj {
    return pullObject(this.urls, this.repo, issue, {
      labels: this.labelsOf(issue),
      repoObj: this.repoJson(),
      headRepo: this.#headRepo(issue),
    });
  }

  /** A fork head's repository object (`fork: true`, owned by the fork owner). */
  #headRepo(issue: IssueRecord): { owner: Account; obj: Obj } | undefined {
    const owner = issue.pull_request?.head.owner;
    const fork = owner ? this.forkOf(owner) : undefined;
    if (!fork) return undefined;
    return {
      owner: fork.owner,
      obj: repoObject(this.urls, fork, { openIssues: 0, fork: true }),
    };
  }

  installationJson(): Obj {
    return installationObject(this.urls, this.installation);
  }

  // ---- events -------------------------------------------------------------------------------

  /**
   * Announces a change: adds what every repository event carries (repository, sender,
   * installation, organization) and hands it to the listeners (webhook delivery).
   */
  emit(event: string, sender: Account, payload: Obj): void {
    const full: Obj = {
      ...payload,
      repository: payload.repository ?? this.repoJson(),
      sender: this.userJson(sender),
      installation: payload.installation ?? {
        id: this.installation.id,
        node_id: `MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u${this.installation.id}`,
      },
      ...(this.repo.owner.type === "Organization"
        ? { organization: organizationObject(this.urls, this.repo.owner) }
        : {}),
    };
    for (const listener of this.#listeners) listener(event, full);
  }
}
