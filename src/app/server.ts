// The app as a long-running Node server: `npm start` runs its build, dist/server.js (`npm run
// build` makes it; no TypeScript loader at run time). Configured by Probot's standard env
// (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT, HOST, LOG_LEVEL, LOG_FORMAT)
// plus the app's own (STATE_SECRET, GIST_TOKEN, NOTIFY_URL, HEARTBEAT_SECONDS,
// AUTORESEARCH_DRAIN_SECONDS). Without APP_ID and a key, Probot serves its setup page instead.
// Serves GET /healthz (see health-route.ts); on SIGTERM stops taking webhooks, lets the work in
// flight finish (at most AUTORESEARCH_DRAIN_SECONDS) and exits 0.
import { type Logger, run } from "probot";
import { drainSeconds } from "../core/server-health.js";
import { appOctokit } from "../github/app-client.js";
import { type AppHandle, createApp } from "./index.js";
import { stopGracefully } from "./stop-gracefully.js";

let drainMs: number;
try {
  drainMs = drainSeconds(process.env) * 1000;
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

let handle: AppHandle | undefined;
let log: Logger | undefined;
const app = createApp({ onReady: (h) => (handle = h) });
// Retry, throttling with bounded rate-limit waits, and conditional requests (ETags).
const server = await run(
  (probot, options) => {
    log = probot.log;
    return app(probot, options);
  },
  { Octokit: appOctokit() },
);

stopGracefully({
  server,
  app: () => handle,
  drainMs,
  log: (level, message) => (log ? log[level](message) : console.error(message)),
});
