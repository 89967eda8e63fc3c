/** Turns whatever a command threw into one message and an exit code. Pure. */
import { CliError, EXIT, type ExitCode } from "./exit-codes.js";

export interface Failure {
  exitCode: ExitCode;
  message: string;
}

export function explainFailure(error: unknown, apiUrl: string): Failure {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message };
  const status = httpStatus(error);
  const message = error instanceof Error ? error.message : String(error);
  if (status === 401) {
    return failed(
      `GitHub rejected GITHUB_TOKEN (401 ${message}): it is wrong or expired. Create a new token and export it as GITHUB_TOKEN`,
    );
  }
  if ((status === 403 || status === 429) && /rate limit/i.test(message)) {
    return failed(`GitHub's rate limit was hit (${message}): try again after it resets`);
  }
  if (status === 403) {
    return failed(
      `GitHub refused the request (403 ${message}): the token needs write access to the repository's issues, pull requests and contents (a classic token: the repo scope)`,
    );
  }
  if (status === 404) {
    return { exitCode: EXIT.notFound, message: `GitHub answered 404 (${message})` };
  }
  if (status !== null) return failed(`GitHub answered ${status}: ${message}`);
  if (isNetworkError(error)) {
    return failed(
      `could not reach GitHub at ${apiUrl} (${rootCause(error)}): check your network, and GITHUB_API_URL if you set it`,
    );
  }
  return failed(message);
}

const failed = (message: string): Failure => ({ exitCode: EXIT.failed, message });

function httpStatus(error: unknown): number | null {
  if (typeof error !== "object" || error === null || !("status" in error)) return null;
  const status = Number(error.status);
  // Octokit reports a request that never got an answer as status 500 with a cause.
  return Number.isInteger(status) && status >= 100 && !isNetworkError(error) ? status : null;
}

function isNetworkError(error: unknown): boolean {
  const text = causes(error).join(" ");
  return /fetch failed|ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|UND_ERR|bad port/i.test(
    text,
  );
}

/** The innermost cause says what really happened ("connect ECONNREFUSED 127.0.0.1:443"). */
function rootCause(error: unknown): string {
  return causes(error).at(-1) ?? String(error);
}

function causes(error: unknown): string[] {
  const found: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    found.push(
      code && !current.message.includes(code) ? `${current.message} (${code})` : current.message,
    );
    current = current.cause;
  }
  return found;
}
