import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  createGitHubClient
} from "./chunk-W66Z6FAG.js";
import {
  info,
  warning
} from "./chunk-LBXT2ELO.js";

// src/action/octokit.ts
var ACTION_LOG = {
  info: (m) => info(m),
  warn: (m) => warning(m)
};
function actionOctokit(token, ctx) {
  return token ? createGitHubClient({
    auth: token,
    baseUrl: ctx.apiUrl,
    userAgent: "autoresearch-bot-action",
    log: ACTION_LOG
  }) : null;
}

export {
  ACTION_LOG,
  actionOctokit
};
