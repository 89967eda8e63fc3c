import { createRequire as __arCreateRequire } from 'node:module'; const require = __arCreateRequire(import.meta.url);
import {
  findStickyComment,
  require_lib,
  upsertStickyComment
} from "./chunk-W66Z6FAG.js";
import {
  renderResultMarker
} from "./chunk-OZOE3J7Y.js";
import {
  __toESM,
  info,
  warning
} from "./chunk-LBXT2ELO.js";

// src/views/runner-comment.ts
var import_handlebars = __toESM(require_lib(), 1);

// src/templates/runner-comment.hbs
var runner_comment_default = "{{#if markers}}\n{{{markers}}}\n{{/if}}\n{{#if started}}\n### \u23F3 autoresearch \xB7 training `{{sha7}}`\n\nStarted; at most {{timeoutMinutes}} min. The result replaces this comment; live progress is in the {{#if runUrl}}[workflow run]({{runUrl}}){{else}}workflow run{{/if}}'s log.\n{{else}}\n### {{icon}} autoresearch \xB7 {{headline}} \xB7 `{{sha7}}`\n\n{{message}}\n\n| metric | value |\n| --- | --- |\n{{#each rows}}\n| {{this.[0]}} | {{this.[1]}} |\n{{/each}}\n{{#if logTail}}\n\n<details><summary>Last {{logLines}} lines of {{logFile}}</summary>\n\n{{{fence}}}\n{{{logTail}}}\n{{{fence}}}\n\n</details>\n{{/if}}\n{{#if runUrl}}\n\n[workflow run]({{runUrl}}) \xB7 attempt {{attempt}}\n{{/if}}\n{{/if}}\n";

// src/views/runner-comment.ts
var RUNNER_MARKER = "<!-- autoresearch:runner -->";
var render = import_handlebars.default.create().compile(runner_comment_default, { noEscape: false, strict: false });
function renderStartedComment(view) {
  return render({
    started: true,
    sha7: view.sha.slice(0, 7),
    timeoutMinutes: view.timeoutMinutes,
    runUrl: view.runUrl,
    markers: RUNNER_MARKER
  });
}
var HEADLINES = {
  ok: ["\u2705", "val_bpb"],
  crash: ["\u{1F4A5}", "crash"],
  infra: ["\u26A0\uFE0F", "not trained"],
  rejected: ["\u{1F6AB}", "rejected"]
};
function renderFinalComment(view) {
  const { result } = view;
  const [icon, word] = HEADLINES[result.status];
  const headline = result.status === "ok" ? `${word} ${result.val_bpb.toFixed(6)}${result.anomalous ? " (anomalous)" : ""}` : `${word} (${result.crash_reason})`;
  const tail = inert(view.logTail?.trimEnd() ?? "");
  return render({
    icon,
    headline,
    sha7: result.head_sha.slice(0, 7),
    message: result.message,
    rows: metricRows(result),
    logTail: tail === "" ? null : tail,
    logLines: tail.split("\n").length,
    logFile: view.logFile,
    fence: fenceFor(tail),
    runUrl: view.runUrl,
    attempt: result.run_attempt,
    markers: view.withMarkers ? `${RUNNER_MARKER}
${renderResultMarker(result)}` : ""
  });
}
function metricRows(result) {
  const rows = [
    ["status", result.status],
    ["val_bpb", result.val_bpb.toFixed(6)],
    ["memory_gb", result.memory_gb.toFixed(1)],
    ["peak_vram_mb", result.peak_vram_mb],
    ["training_seconds", result.training_seconds],
    ["total_seconds", result.total_seconds],
    ["mfu_percent", result.mfu_percent],
    ["total_tokens_M", result.total_tokens_M],
    ["num_steps", result.num_steps],
    ["num_params_M", result.num_params_M],
    ["depth", result.depth]
  ];
  return rows.filter(([, v]) => v !== null).map(([k, v]) => [k, String(v)]);
}
function inert(text) {
  return text.replaceAll("<!--", "<\u200B!--").replaceAll("-->", "-\u200B->");
}
function fenceFor(text) {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  return "`".repeat(longest + 1);
}

// src/action/pr-reporter.ts
function createPrReporter(options) {
  const { octokit, pr } = options;
  if (octokit === null || pr === null) {
    const why = pr === null ? "no pull request is known (input pull-request)" : "no github-token";
    info(
      `No PR comment will be posted: ${why}. The result is in the outputs and the job summary.`
    );
    return { enabled: false, progress: async () => {
    }, final: async () => {
    } };
  }
  const issue = { owner: options.owner, repo: options.repo, issue_number: pr };
  let commentId;
  const upsert = async (body) => {
    if (commentId === void 0) {
      commentId = (await findStickyComment(octokit, issue, RUNNER_MARKER))?.id ?? null;
    }
    commentId = await upsertStickyComment(octokit, issue, body, commentId);
  };
  return {
    enabled: true,
    async progress(body) {
      try {
        await upsert(body);
      } catch (error) {
        warning(
          `PR #${pr}: progress comment not updated (${describe(error)}); training goes on.`
        );
      }
    },
    async final(body) {
      try {
        await upsert(body);
      } catch (error) {
        throw new Error(`PR #${pr}: could not post the result (${describe(error)})`, {
          cause: error
        });
      }
    }
  };
}
function describe(error) {
  return error instanceof Error ? error.message : String(error);
}

export {
  renderStartedComment,
  renderFinalComment,
  createPrReporter
};
