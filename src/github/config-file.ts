import { parse, YAMLParseError } from "yaml";
import { CONFIG_PATH, type ConfigParse, parseConfig } from "../core/config.js";
import { type RepoClient, readTextFile } from "./repo.js";

/**
 * `.github/autoresearch.yml` from the default branch. The same reader serves
 * webhooks, the heartbeat and the CLI, so it reads the file itself rather than
 * through Probot's per-event `context.config`.
 */
export async function loadConfig(gh: RepoClient, ref?: string): Promise<ConfigParse> {
  const text = await readTextFile(gh, CONFIG_PATH, ref);
  if (text === null) return parseConfig(null);
  try {
    return parseConfig(parse(text));
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const where = error.linePos?.[0] ? `line ${error.linePos[0].line}` : "the file";
      return {
        ok: false,
        problems: [
          { path: "", message: `not valid YAML at ${where}: ${error.message.split("\n")[0]}` },
        ],
      };
    }
    throw error;
  }
}
