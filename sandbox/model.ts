/** The sandbox's records: what GitHub stores besides git content. Plain data, no behaviour. */

export type AccountType = "User" | "Organization" | "Bot";
export type RepoRole = "admin" | "maintain" | "write" | "triage" | "read" | "none";
export type PermissionLevel = "read" | "write";
/** Installation / GITHUB_TOKEN permission names, underscore form (`pull_requests`). */
export type Permissions = Record<string, PermissionLevel>;

export interface Account {
  login: string;
  id: number;
  type: AccountType;
  name?: string;
  email?: string;
}

export interface RepoRecord {
  id: number;
  owner: Account;
  name: string;
  private: boolean;
  description: string | null;
  default_branch: string;
  created_at: string;
  updated_at: string;
  pushed_at: string;
  allow_squash_merge: boolean;
  allow_merge_commit: boolean;
  allow_rebase_merge: boolean;
  delete_branch_on_merge: boolean;
}

export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  client_id: string;
  owner: Account;
  permissions: Permissions;
  events: string[];
  created_at: string;
  /** Its bot user ("<slug>[bot]"), the author of everything an installation token writes. */
  bot: Account;
}

export interface InstallationRecord {
  id: number;
  app: AppRecord;
  account: Account;
  permissions: Permissions;
  events: string[];
  created_at: string;
}

export interface LabelRecord {
  id: number;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

export interface PullFields {
  /**
   * The head branch. `owner` is set when it lives in a fork (the fork owner's login): the
   * branch is then the fork's, and the base repository has no branch of that name.
   */
  head: { ref: string; sha: string; owner?: string };
  /** Base branch name; `sha` is the base tip when the PR was opened or last synchronized. */
  base: { ref: string; sha: string };
  draft: boolean;
  merged: boolean;
  merged_at: string | null;
  merged_by: Account | null;
  merge_commit_sha: string | null;
  maintainer_can_modify: boolean;
  /** GitHub computes mergeability in the background: null until a read triggers it. */
  mergeable: boolean | null;
  /** Remaining reads that still answer `mergeable: null` after a change. */
  mergeablePendingReads: number;
}

export interface IssueRecord {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: "completed" | "not_planned" | "reopened" | null;
  user: Account;
  labels: string[];
  locked: boolean;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  closed_by: Account | null;
  /** Present when the issue is a pull request (they share numbers and comments). */
  pull_request?: PullFields;
  /** The app that created it, when an installation token did. */
  via_app?: AppRecord;
}

export interface CommentRecord {
  id: number;
  issue_number: number;
  body: string;
  user: Account;
  created_at: string;
  updated_at: string;
  via_app?: AppRecord;
}

export interface CheckSuiteRecord {
  id: number;
  head_sha: string;
  head_branch: string | null;
  app: AppRecord;
  created_at: string;
}

export interface CheckRunRecord {
  id: number;
  name: string;
  head_sha: string;
  status: "queued" | "in_progress" | "completed" | "waiting" | "requested" | "pending";
  conclusion: string | null;
  started_at: string;
  completed_at: string | null;
  details_url: string | null;
  external_id: string | null;
  output: {
    title: string | null;
    summary: string | null;
    text: string | null;
    annotations_count: number;
  };
  actions: { label: string; description: string; identifier: string }[];
  app: AppRecord;
  suite: CheckSuiteRecord;
}

export interface WorkflowRecord {
  id: number;
  name: string;
  path: string;
  created_at: string;
}

/** "pending": waiting for its concurrency group (another run of the group is in progress). */
export type RunStatus = "requested" | "queued" | "pending" | "in_progress" | "completed";
export type RunConclusion = "success" | "failure" | "cancelled" | "timed_out" | "skipped" | null;

export interface WorkflowRunRecord {
  id: number;
  workflow: WorkflowRecord;
  name: string;
  display_title: string;
  run_number: number;
  run_attempt: number;
  /** What started it: workflow_dispatch, or an event the workflow is triggered on (issue_comment, schedule, …). */
  event: string;
  /** The event payload the job reads at GITHUB_EVENT_PATH (`github.event`). */
  event_payload: Record<string, unknown>;
  head_branch: string;
  head_sha: string;
  status: RunStatus;
  conclusion: RunConclusion;
  actor: Account;
  created_at: string;
  updated_at: string;
  run_started_at: string;
  inputs: Record<string, string>;
  /** The evaluated `concurrency.group` of the workflow, if it has one. */
  concurrency_group: string | null;
  suite: CheckSuiteRecord;
  /** What the runner did: log text, step outputs, job summary, runner name. */
  log: string;
  outputs: Record<string, string>;
  summary: string;
  runner: string | null;
  exit_code: number | null;
}

export interface GistRecord {
  id: string;
  description: string | null;
  public: boolean;
  owner: Account;
  files: Record<string, string>;
  created_at: string;
  updated_at: string;
  /** One entry per write, newest first, like the gist's history. */
  history: { version: string; committed_at: string; user: Account }[];
}

export interface PushRecord {
  ref: string;
  before: string;
  after: string;
  pusher: Account;
  at: string;
}
