import {
  type ChatMessage,
  chatRequest,
  describeTarget,
  type NotifySetup,
  type NotifyTarget,
  redactTargets,
} from "../core/notify-targets.js";
import type { Logger } from "./app-deps.js";

/** Sends a digest to every chat target; returns at once (the posts go on by themselves). */
export type Notify = (message: ChatMessage) => void;

export interface NotifierOptions {
  setup: NotifySetup;
  log: Logger;
  /** Counts each post as the app's work until it settles (idle() and settle() wait for it). */
  track: (work: Promise<unknown>) => void;
  /** How long a chat may take to answer; 10 s unless a test says otherwise. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export const NOTIFY_TIMEOUT_MS = 10_000;

/**
 * The chat digest, sent to each target on its own: a verdict never waits for a chat, and a
 * chat that fails (an error status, no answer in time, no connection) is logged by kind,
 * without its secret, and stops no other. Null when no target is configured.
 */
export function createNotifier(options: NotifierOptions): Notify | null {
  const { setup, log } = options;
  if (setup.targets.length === 0) return null;
  const timeoutMs = options.timeoutMs ?? NOTIFY_TIMEOUT_MS;
  const send = options.fetch ?? fetch;
  const say = (text: string) => log.warn(redactTargets(text, setup.targets));

  const post = async (target: NotifyTarget, message: ChatMessage): Promise<void> => {
    const what = `chat digest to ${describeTarget(target)}`;
    try {
      const request = chatRequest(target, message, setup.testOrigin);
      const response = await send(request.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      const detail = (await response.text().catch(() => "")).trim().slice(0, 300);
      say(
        `${what} not delivered: it answered ${response.status}${detail ? ` (${detail})` : ""}; the verdict stands, the digest is not sent again`,
      );
    } catch (error) {
      say(
        `${what} not delivered: ${failure(error, timeoutMs)}; the verdict stands, the digest is not sent again`,
      );
    }
  };

  return (message) => {
    for (const target of setup.targets) options.track(post(target, message));
  };
}

function failure(error: unknown, timeoutMs: number): string {
  const e = error as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  if (e?.name === "TimeoutError" || e?.name === "AbortError")
    return `no answer within ${timeoutMs / 1000} s`;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(error)}${cause ? ` (${cause})` : ""}`;
}
