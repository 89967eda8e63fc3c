/**
 * REST representations of the sandbox's records, shaped like api.github.com's (every field the
 * OpenAPI description marks required). Webhook payloads reuse them; webhooks.ts trims them to
 * the webhook schemas.
 */
import type { FileDiff, GitCommit } from "./git-store.js";
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
  RepoRecord,
  WorkflowRecord,
  WorkflowRunRecord,
} from "./model.js";

type Obj = Record<string, unknown>;

/** Where API and html links point: both are the sandbox server (like a GHES host). */
export interface Urls {
  api: string;
  html: string;
}

export function nodeId(prefix: string, id: number | string): string {
  return `${prefix}_kwDO${Buffer.from(String(id)).toString("base64url")}`;
}

export function userObject(urls: Urls, account: Account): Obj {
  const base = `${urls.api}/users/${encodeURIComponent(account.login)}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId(
      account.type === "Organization" ? "O" : account.type === "Bot" ? "BOT" : "U",
      account.id,
    ),
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    gravatar_id: "",
    url: base,
    html_url: `${urls.html}/${account.type === "Bot" ? `apps/${account.login.replace(/\[bot\]$/, "")}` : encodeURIComponent(account.login)}`,
    followers_url: `${base}/followers`,
    following_url: `${base}/following{/other_user}`,
    gists_url: `${base}/gists{/gist_id}`,
    starred_url: `${base}/starred{/owner}{/repo}`,
    subscriptions_url: `${base}/subscriptions`,
    organizations_url: `${base}/orgs`,
    repos_url: `${base}/repos`,
    events_url: `${base}/events{/privacy}`,
    received_events_url: `${base}/received_events`,
    type: account.type,
    user_view_type: "public",
    site_admin: false,
    ...(account.name ? { name: account.name } : {}),
    ...(account.email ? { email: account.email } : {}),
  };
}

export function organizationObject(urls: Urls, account: Account): Obj {
  const base = `${urls.api}/orgs/${account.login}`;
  return {
    login: account.login,
    id: account.id,
    node_id: nodeId("O", account.id),
    url: base,
    repos_url: `${base}/repos`,
    events_url: `${base}/events`,
    hooks_url: `${base}/hooks`,
    issues_url: `${base}/issues`,
    members_url: `${base}/members{/member}`,
    public_members_url: `${base}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    description: null,
  };
}

export function repoObject(
  urls: Urls,
  repo: RepoRecord,
  extra: { openIssues: number; permissions?: Obj; fork?: boolean } = { openIssues: 0 },
): Obj {
  const full = `${repo.owner.login}/${repo.name}`;
  const api = `${urls.api}/repos/${full}`;
  const html = `${urls.html}/${full}`;
  const host = new URL(urls.html).host;
  return {
    id: repo.id,
    node_id: nodeId("R", repo.id),
    name: repo.name,
    full_name: full,
    private: repo.private,
    owner: userObject(urls, repo.owner),
    html_url: html,
    description: repo.description,
    fork: extra.fork ?? false,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    created_at: repo.created_at,
    updated_at: repo.updated_at,
    pushed_at: repo.pushed_at,
    git_url: `git://${host}/${full}.git`,
    ssh_url: `git@${host}:${full}.git`,
    clone_url: `${html}.git`,
    svn_url: html,
    homepage: null,
    size: 1,
    stargazers_count: 0,
    watchers_count: 0,
    language: "Python",
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: extra.openIssues,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: repo.private ? "private" : "public",
    forks: 0,
    open_issues: extra.openIssues,
    watchers: 0,
    default_branch: repo.default_branch,
    allow_squash_merge: repo.allow_squash_merge,
    allow_merge_commit: repo.allow_merge_commit,
    allow_rebase_merge: repo.allow_rebase_merge,
    allow_auto_merge: false,
    delete_branch_on_merge: repo.delete_branch_on_merge,
    allow_update_branch: true,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_title: "COMMIT_OR_PR_TITLE",
    squash_merge_commit_message: "COMMIT_MESSAGES",
    merge_commit_title: "MERGE_MESSAGE",
    merge_commit_message: "PR_TITLE",
    network_count: 0,
    subscribers_count: 0,
    custom_properties: {},
    ...(extra.permissions ? { permissions: extra.permissions } : {}),
  };
}

export function labelObject(urls: Urls, repo: RepoRecord, label: LabelRecord): Obj {
  return {
    id: label.id,
    node_id: nodeId("LA", label.id),
    url: `${urls.api}/repos/${repo.owner.login}/${repo.name}/labels/${encodeURIComponent(label.name)}`,
    name: label.name,
    color: label.color,
    default: label.default,
    description: label.description,
  };
}

export function appObject(urls: Urls, app: AppRecord): Obj {
  return {
    id: app.id,
    slug: app.slug,
    node_id: nodeId("A", app.id),
    client_id: app.client_id,
    owner: userObject(urls, app.owner),
    name: app.name,
    description: `${app.name} (sandbox)`,
    external_url: `${urls.html}/apps/${app.slug}`,
    html_url: `${urls.html}/apps/${app.slug}`,
    created_at: app.created_at,
    updated_at: app.created_at,
    permissions: app.permissions,
    events: app.events,
    installations_count: 1,
  };
}

export function installationObject(urls: Urls, inst: InstallationRecord): Obj {
  return {
    id: inst.id,
    client_id: inst.app.client_id,
    account: userObject(urls, inst.account),
    repository_selection: "selected",
    access_tokens_url: `${urls.api}/app/installations/${inst.id}/access_tokens`,
    repositories_url: `${urls.api}/installation/repositories`,
    html_url: `${urls.html}/${inst.account.type === "Organization" ? `organizations/${inst.account.login}/` : ""}settings/installations/${inst.id}`,
    app_id: inst.app.id,
    app_slug: inst.app.slug,
    target_id: inst.account.id,
    target_type: inst.account.type,
    permissions: inst.permissions,
    events: inst.events,
    created_at: inst.created_at,
    updated_at: inst.created_at,
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

function reactions(url: string): Obj {
  return {
    url: `${url}/reactions`,
    total_count: 0,
    "+1": 0,
    "-1": 0,
    laugh: 0,
    hooray: 0,
    confused: 0,
    heart: 0,
    rocket: 0,
    eyes: 0,
  };
}

function authorAssociation(repo: RepoRecord, user: Account): string {
  if (user.type === "Bot") return "NONE";
  return user.login === repo.owner.login ? "OWNER" : "COLLABORATOR";
}

export function issueObject(
  urls: Urls,
  repo: RepoRecord,
  issue: IssueRecord,
  ctx: { labels: LabelRecord[]; comments: number },
): Obj {
  const full = `${repo.owner.login}/${repo.name}`;
  const api = `${urls.api}/repos/${full}/issues/${issue.number}`;
  const kind = issue.pull_request ? "pull" : "issues";
  return {
    url: api,
    repository_url: `${urls.api}/repos/${full}`,
    labels_url: `${api}/labels{/name}`,
    comments_url: `${api}/comments`,
    events_url: `${api}/events`,
    html_url: `${urls.html}/${full}/${kind}/${issue.number}`,
    id: issue.id,
    node_id: nodeId(issue.pull_request ? "PR" : "I", issue.id),
    number: issue.number,
    title: issue.title,
    user: userObject(urls, issue.user),
    labels: ctx.labels.map((l) => labelObject(urls, repo, l)),
    state: issue.state,
    locked: issue.locked,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: ctx.comments,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    author_association: authorAssociation(repo, issue.user),
    active_lock_reason: null,
    body: issue.body,
    closed_by: issue.closed_by ? userObject(urls, issue.closed_by) : null,
    reactions: reactions(api),
    timeline_url: `${api}/timeline`,
    performed_via_github_app: issue.via_app ? appObject(urls, issue.via_app) : null,
    state_reason: issue.state_reason,
    draft: issue.pull_request?.draft ?? false,
    ...(issue.pull_request
      ? {
          pull_request: {
            url: `${urls.api}/repos/${full}/pulls/${issue.number}`,
            html_url: `${urls.html}/${full}/pull/${issue.number}`,
            diff_url: `${urls.html}/${full}/pull/${issue.number}.diff`,
            patch_url: `${urls.html}/${full}/pull/${issue.number}.patch`,
            merged_at: issue.pull_request.merged_at,
          },
        }
      : {}),
  };
}

export interface PullStats {
  commits: number;
  additions: number;
  deletions: number;
  changed_files: number;
  comments: number;
}

/** A pull request; without `stats` it is the list form ("pull-request-simple"). */
export function pullObject(
  urls: Urls,
  repo: RepoRecord,
  issue: IssueRecord,
  ctx: {
    labels: LabelRecord[];
    stats?: PullStats;
    repoObj: Obj;
    /** The head's repository when it is a fork (a full repository object, `fork: true`). */
    headRepo?: { owner: Account; obj: Obj };
  },
): Obj {
  const pull = issue.pull_request!;
  const full = `${repo.owner.login}/${repo.name}`;
  const api = `${urls.api}/repos/${full}/pulls/${issue.number}`;
  const html = `${urls.html}/${full}/pull/${issue.number}`;
  const issueApi = `${urls.api}/repos/${full}/issues/${issue.number}`;
  const side = (s: { ref: string; sha: string }, where?: { owner: Account; obj: Obj }) => ({
    label: `${(where?.owner ?? repo.owner).login}:${s.ref}`,
    ref: s.ref,
    sha: s.sha,
    user: userObject(urls, where?.owner ?? repo.owner),
    repo: where?.obj ?? ctx.repoObj,
  });
  return {
    url: api,
    id: issue.id,
    node_id: nodeId("PR", issue.id),
    html_url: html,
    diff_url: `${html}.diff`,
    patch_url: `${html}.patch`,
    issue_url: issueApi,
    commits_url: `${api}/commits`,
    review_comments_url: `${api}/comments`,
    review_comment_url: `${urls.api}/repos/${full}/pulls/comments{/number}`,
    comments_url: `${issueApi}/comments`,
    statuses_url: `${urls.api}/repos/${full}/statuses/${pull.head.sha}`,
    number: issue.number,
    state: issue.state,
    locked: issue.locked,
    title: issue.title,
    user: userObject(urls, issue.user),
    body: issue.body,
    labels: ctx.labels.map((l) => labelObject(urls, repo, l)),
    milestone: null,
    active_lock_reason: null,
    created_at: issue.created_at,
    updated_at: issue.updated_at,
    closed_at: issue.closed_at,
    merged_at: pull.merged_at,
    merge_commit_sha: pull.merge_commit_sha,
    assignee: null,
    assignees: [],
    requested_reviewers: [],
    requested_teams: [],
    head: side(pull.head, ctx.headRepo),
    base: side(pull.base),
    _links: {
      self: { href: api },
      html: { href: html },
      issue: { href: issueApi },
      comments: { href: `${issueApi}/comments` },
      review_comments: { href: `${api}/comments` },
      review_comment: { href: `${urls.api}/repos/${full}/pulls/comments{/number}` },
      commits: { href: `${api}/commits` },
      statuses: { href: `${urls.api}/repos/${full}/statuses/${pull.head.sha}` },
    },
    author_association: authorAssociation(repo, issue.user),
    auto_merge: null,
    draft: pull.draft,
    ...(ctx.stats ? pullDetail(issue, ctx.stats, urls) : {}),
  };
}

function pullDetail(issue: IssueRecord, stats: PullStats, urls: Urls): Obj {
  const pull = issue.pull_request!;
  const settled = pull.merged || issue.state === "closed";
  return {
    merged: pull.merged,
    mergeable: settled ? null : pull.mergeable,
    rebaseable: settled ? null : pull.mergeable,
    mergeable_state:
      settled || pull.mergeable === null ? "unknown" : pull.mergeable ? "clean" : "dirty",
    merged_by: pull.merged_by ? userObject(urls, pull.merged_by) : null,
    comments: stats.comments,
    review_comments: 0,
    maintainer_can_modify: pull.maintainer_can_modify,
    commits: stats.commits,
    additions: stats.additions,
    deletions: stats.deletions,
    changed_files: stats.changed_files,
  };
}

export function commentObject(
  urls: Urls,
  repo: RepoRecord,
  comment: CommentRecord,
  isPull: boolean,
): Obj {
  const full = `${repo.owner.login}/${repo.name}`;
  const url = `${urls.api}/repos/${full}/issues/comments/${comment.id}`;
  return {
    url,
    html_url: `${urls.html}/${full}/${isPull ? "pull" : "issues"}/${comment.issue_number}#issuecomment-${comment.id}`,
    issue_url: `${urls.api}/repos/${full}/issues/${comment.issue_number}`,
    id: comment.id,
    node_id: nodeId("IC", comment.id),
    user: userObject(urls, comment.user),
    created_at: comment.created_at,
    updated_at: comment.updated_at,
    author_association: authorAssociation(repo, comment.user),
    body: comment.body,
    reactions: reactions(url),
    performed_via_github_app: comment.via_app ? appObject(urls, comment.via_app) : null,
  };
}

export function gitCommitObject(urls: Urls, repo: RepoRecord, c: GitCommit): Obj {
  const full = `${repo.owner.login}/${repo.name}`;
  return {
    sha: c.sha,
    node_id: nodeId("C", c.sha),
    url: `${urls.api}/repos/${full}/git/commits/${c.sha}`,
    html_url: `${urls.html}/${full}/commit/${c.sha}`,
    author: c.author,
    committer: c.committer,
    tree: { sha: c.tree, url: `${urls.api}/repos/${full}/git/trees/${c.tree}` },
    message: c.message,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${urls.api}/repos/${full}/git/commits/${p}`,
      html_url: `${urls.html}/${full}/commit/${p}`,
    })),
    verification: {
      verified: false,
      reason: "unsigned",
      signature: null,
      payload: null,
      verified_at: null,
    },
  };
}

/** The "commit" shape of GET /commits/{ref} and compare; `author`/`committer` map to users when known. */
export function commitObject(
  urls: Urls,
  repo: RepoRecord,
  c: GitCommit,
  ctx: { files?: FileDiff[]; userFor: (email: string) => Account | null },
): Obj {
  const full = `${repo.owner.login}/${repo.name}`;
  const author = ctx.userFor(c.author.email);
  const committer = ctx.userFor(c.committer.email);
  const additions = ctx.files?.reduce((n, f) => n + f.additions, 0) ?? 0;
  const deletions = ctx.files?.reduce((n, f) => n + f.deletions, 0) ?? 0;
  return {
    url: `${urls.api}/repos/${full}/commits/${c.sha}`,
    sha: c.sha,
    node_id: nodeId("C", c.sha),
    html_url: `${urls.html}/${full}/commit/${c.sha}`,
    comments_url: `${urls.api}/repos/${full}/commits/${c.sha}/comments`,
    commit: {
      url: `${urls.api}/repos/${full}/git/commits/${c.sha}`,
      author: c.author,
      committer: c.committer,
      message: c.message,
      tree: { sha: c.tree, url: `${urls.api}/repos/${full}/git/trees/${c.tree}` },
      comment_count: 0,
      verification: {
        verified: false,
        reason: "unsigned",
        signature: null,
        payload: null,
        verified_at: null,
      },
    },
    author: author ? userObject(urls, author) : null,
    committer: committer ? userObject(urls, committer) : null,
    parents: c.parents.map((p) => ({
      sha: p,
      url: `${urls.api}/repos/${full}/commits/${p}`,
      html_url: `${urls.html}/${full}/commit/${p}`,
    })),
    ...(ctx.files
      ? {
          stats: { additions, deletions, total: additions + deletions },
          files: ctx.files.map((f) => diffEntryObject(urls, repo, f, c.sha)),
        }
      : {}),
  };
}

export function diffEntryObject(urls: Urls, repo: RepoRecord, f: FileDiff, ref: string): Obj {
  const full = `${repo.owner.login}/${repo.name}`;
  const path = f.filename.split("/").map(encodeURIComponent).join("/");
  return {
    sha: f.sha,
    filename: f.filename,
    status: f.status,
    additions: f.additions,
    deletions: f.deletions,
    changes: f.changes,
    blob_url: `${urls.html}/${full}/blob/${ref}/${path}`,
    raw_url: `${urls.html}/${full}/raw/${ref}/${path}`,
    contents_url: `${urls.api}/repos/${full}/contents/${path}?ref=${ref}`,
    ...(f.patch !== undefined ? { patch: f.patch } : {}),
    ...(f.previous_filename ? { previous_filename: f.previous_filename } : {}),
  };
}

export function refObject(urls: Urls, repo: RepoRecord, ref: string, sha: string): Obj {
  const full = `${repo.owner.login}/${repo.name}`;
  return {
    ref,
    node_id: nodeId("REF", ref),
    url: `${urls.api}/repos/${full}/git/${ref}`,
    object: { sha, type: "commit", url: `${urls.api}/repos/${full}/git/commits/${sha}` },
  };
}

export function checkSuiteUrl(urls: Urls, repo: RepoRecord, suite: CheckSuiteRecord): string {
  return `${urls.api}/repos/${repo.owner.login}/${repo.name}/check-suites/${suite.id}`;
}

export function checkRunObject(
  urls: Urls,
  repo: RepoRecord,
  run: CheckRunRecord,
  pulls: Obj[],
): Obj {
  const full = `${repo.owner.login}/${repo.name}`;
  const url = `${urls.api}/repos/${full}/check-runs/${run.id}`;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("CR", run.id),
    head_sha: run.head_sha,
    external_id: run.external_id ?? "",
    url,
    html_url: `${urls.html}/${full}/runs/${run.id}`,
    details_url: run.details_url ?? `${urls.html}/${full}/runs/${run.id}`,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.started_at,
    completed_at: run.completed_at,
    output: {
      title: run.output.title,
      summary: run.output.summary,
      text: run.output.text,
      annotations_count: run.output.annotations_count,
      annotations_url: `${url}/annotations`,
    },
    check_suite: {
      id: run.suite.id,
      node_id: nodeId("CS", run.suite.id),
      head_branch: run.suite.head_branch,
      head_sha: run.suite.head_sha,
      status: run.status,
      conclusion: run.conclusion,
      url: checkSuiteUrl(urls, repo, run.suite),
      before: null,
      after: run.suite.head_sha,
      pull_requests: pulls,
      app: appObject(urls, run.app),
      created_at: run.suite.created_at,
      updated_at: run.completed_at ?? run.started_at,
    },
    app: appObject(urls, run.app),
    pull_requests: pulls,
  };
}

/** The minimal PR reference used in check runs ("check-run-pull-request"/"pull-request-minimal"). */
export function pullRefObject(urls: Urls, repo: RepoRecord, issue: IssueRecord): Obj {
  const repoRef = {
    id: repo.id,
    url: `${urls.api}/repos/${repo.owner.login}/${repo.name}`,
    name: repo.name,
  };
  return {
    id: issue.id,
    number: issue.number,
    url: `${urls.api}/repos/${repo.owner.login}/${repo.name}/pulls/${issue.number}`,
    head: { ref: issue.pull_request!.head.ref, sha: issue.pull_request!.head.sha, repo: repoRef },
    base: { ref: issue.pull_request!.base.ref, sha: issue.pull_request!.base.sha, repo: repoRef },
  };
}

export function workflowObject(urls: Urls, repo: RepoRecord, wf: WorkflowRecord): Obj {
  const full = `${repo.owner.login}/${repo.name}`;
  return {
    id: wf.id,
    node_id: nodeId("W", wf.id),
    name: wf.name,
    path: wf.path,
    state: "active",
    created_at: wf.created_at,
    updated_at: wf.created_at,
    url: `${urls.api}/repos/${full}/actions/workflows/${wf.id}`,
    html_url: `${urls.html}/${full}/blob/${repo.default_branch}/${wf.path}`,
    badge_url: `${urls.html}/${full}/workflows/${encodeURIComponent(wf.name)}/badge.svg`,
  };
}

export function workflowRunObject(
  urls: Urls,
  repo: RepoRecord,
  run: WorkflowRunRecord,
  ctx: { headCommit: GitCommit; repoObj: Obj },
): Obj {
  const full = `${repo.owner.login}/${repo.name}`;
  const api = `${urls.api}/repos/${full}/actions/runs/${run.id}`;
  const c = ctx.headCommit;
  return {
    id: run.id,
    name: run.name,
    node_id: nodeId("WFR", run.id),
    head_branch: run.head_branch,
    head_sha: run.head_sha,
    path: run.workflow.path,
    display_title: run.display_title,
    run_number: run.run_number,
    event: run.event,
    status: run.status,
    conclusion: run.conclusion,
    workflow_id: run.workflow.id,
    check_suite_id: run.suite.id,
    check_suite_node_id: nodeId("CS", run.suite.id),
    url: api,
    html_url: `${urls.html}/${full}/actions/runs/${run.id}`,
    pull_requests: [],
    created_at: run.created_at,
    updated_at: run.updated_at,
    actor: userObject(urls, run.actor),
    run_attempt: run.run_attempt,
    referenced_workflows: [],
    run_started_at: run.run_started_at,
    triggering_actor: userObject(urls, run.actor),
    jobs_url: `${api}/jobs`,
    logs_url: `${api}/logs`,
    check_suite_url: `${urls.api}/repos/${full}/check-suites/${run.suite.id}`,
    artifacts_url: `${api}/artifacts`,
    cancel_url: `${api}/cancel`,
    rerun_url: `${api}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${urls.api}/repos/${full}/actions/workflows/${run.workflow.id}`,
    head_commit: {
      id: c.sha,
      tree_id: c.tree,
      message: c.message,
      timestamp: c.committer.date,
      author: { name: c.author.name, email: c.author.email },
      committer: { name: c.committer.name, email: c.committer.email },
    },
    repository: ctx.repoObj,
    head_repository: ctx.repoObj,
    head_repository_id: repo.id,
  };
}

export function gistObject(urls: Urls, gist: GistRecord, options: { truncate: boolean }): Obj {
  const url = `${urls.api}/gists/${gist.id}`;
  const files = Object.fromEntries(
    Object.entries(gist.files).map(([filename, content]) => [
      filename,
      {
        filename,
        type: filename.endsWith(".tsv")
          ? "text/tab-separated-values"
          : filename.endsWith(".svg")
            ? "image/svg+xml"
            : "text/plain",
        language: filename.endsWith(".tsv")
          ? "TSV"
          : filename.endsWith(".svg")
            ? "SVG"
            : filename.endsWith(".md")
              ? "Markdown"
              : "Text",
        raw_url: `${urls.html}/gist/${gist.owner.login}/${gist.id}/raw/${filename}`,
        size: Buffer.byteLength(content),
        truncated: false,
        ...(options.truncate ? {} : { content, encoding: "utf-8" }),
      },
    ]),
  );
  return {
    url,
    forks_url: `${url}/forks`,
    commits_url: `${url}/commits`,
    id: gist.id,
    node_id: nodeId("G", gist.id),
    git_pull_url: `${urls.html}/gist/${gist.id}.git`,
    git_push_url: `${urls.html}/gist/${gist.id}.git`,
    html_url: `${urls.html}/gist/${gist.id}`,
    files,
    public: gist.public,
    created_at: gist.created_at,
    updated_at: gist.updated_at,
    description: gist.description,
    comments: 0,
    comments_enabled: true,
    user: null,
    comments_url: `${url}/comments`,
    owner: userObject(urls, gist.owner),
    truncated: false,
    ...(options.truncate
      ? {}
      : {
          forks: [],
          history: gist.history.map((h) => ({
            user: userObject(urls, h.user),
            version: h.version,
            committed_at: h.committed_at,
            change_status: { total: 0, additions: 0, deletions: 0 },
            url: `${url}/${h.version}`,
          })),
        }),
  };
}
