import type { GistStore } from "../github/gist-store.js";

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
}
