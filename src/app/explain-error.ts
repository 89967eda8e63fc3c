/**
 * Turns the failures users actually meet into a sentence that says what to do.
 * The original error stays attached as `cause` in the log.
 */
export function explainError(error: unknown): string {
  const status =
    typeof error === "object" && error !== null && "status" in error ? Number(error.status) : null;
  const message = error instanceof Error ? error.message : String(error);
  if (status === 403 && /not accessible by integration/i.test(message)) {
    return `GitHub refused a request for lack of a permission (${message}): compare the app's permissions with app.yml and accept any new permissions in the installation settings (zero-server mode: compare the app workflow's \`permissions:\` with examples/workflows/autoresearch-app.yml; a pull request also needs "Allow GitHub Actions to create and approve pull requests").`;
  }
  if (status === 403 && /not permitted to create or approve pull requests/i.test(message)) {
    return `GitHub refused the workflow's GITHUB_TOKEN a pull request (${message}): in the repository's Settings → Actions → General → Workflow permissions, tick "Allow GitHub Actions to create and approve pull requests" (zero-server mode needs it for one PR per experiment).`;
  }
  if (status === 401) {
    return `GitHub rejected the app's credentials (${message}): check APP_ID and PRIVATE_KEY.`;
  }
  // GitHub answers an exhausted rate limit with 403 or 429.
  if ((status === 403 || status === 429) && /rate limit/i.test(message)) {
    return `GitHub's rate limit was hit (${message}): the heartbeat will carry on when it resets.`;
  }
  if (status !== null && status >= 500) {
    return `GitHub had an error (${status}: ${message}): nothing was lost; the next event or heartbeat picks up where this stopped.`;
  }
  return message;
}
