import { CONFIG_PATH, type ConfigParse } from "../core/config.js";
import { configTooLarge, parseConfigText } from "../core/config-text.js";
import { type RepoClient, readRepoText } from "./repo.js";

/**
 * `.github/autoresearch.yml` from the default branch. The same reader serves
 * webhooks, the heartbeat and the CLI, so it reads the file itself rather than
 * through Probot's per-event `context.config`. Whatever the file holds, the
 * answer is a config or its problems; only a failed request throws.
 */
export async function loadConfig(gh: RepoClient, ref?: string): Promise<ConfigParse> {
  return (await loadConfigVersion(gh, ref)).parse;
}

/** The config and which version of the file it came from (its blob sha; "absent" without one). */
export async function loadConfigVersion(
  gh: RepoClient,
  ref?: string,
): Promise<{ parse: ConfigParse; version: string }> {
  const file = await readRepoText(gh, CONFIG_PATH, ref);
  if (file === null) return { parse: parseConfigText(null), version: "absent" };
  const version = file.sha ?? "unknown";
  if ("tooLargeBytes" in file) return { parse: configTooLarge(file.tooLargeBytes), version };
  return { parse: parseConfigText(file.text), version };
}
