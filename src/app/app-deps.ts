import type { Sealer } from "../core/block-seal.js";
import type { TrustRoot } from "../core/trust.js";
import type { GistStore } from "../github/gist-store.js";
import type { RepoClient } from "../github/repo.js";

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** What the app gets from its environment, in one place so tests can set it. */
export interface AppDeps {
  /** Ledger store; null without GIST_TOKEN (the ledger then lives in the dashboard issue). */
  gist: GistStore | null;
  notifyUrl: string | null;
  now: () => Date;
  /** Seeds the sweep proposer's order. */
  seed: number;
  log: Logger;
  /** Signs the state the app keeps in PR and issue bodies (STATE_SECRET, or derived from WEBHOOK_SECRET). */
  sealer: Sealer;
  /** The app's bot login (`<slug>[bot]`): only what it authored is state. */
  appLogin: string;
}

/** What the app believes about a repository's PRs and issues: its own sealed blocks. */
export function trustRootOf(gh: RepoClient, deps: Pick<AppDeps, "sealer" | "appLogin">): TrustRoot {
  return { repository: `${gh.owner}/${gh.repo}`, appLogin: deps.appLogin, sealer: deps.sealer };
}
