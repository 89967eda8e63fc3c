// `npm start`: the app as a long-running Node server, configured by Probot's standard env
// (APP_ID, PRIVATE_KEY or PRIVATE_KEY_PATH, WEBHOOK_SECRET, PORT) plus GIST_TOKEN,
// NOTIFY_URL (NOTIFY_WEBHOOK_URL, deprecated) and HEARTBEAT_SECONDS.
import { run } from "probot";
import { appOctokit } from "../github/app-client.js";
import app from "./index.js";

// Retry, throttling with bounded rate-limit waits, and conditional requests (ETags).
await run(app, { Octokit: appOctokit() });
