/**
 * The paths an agent changed, from `git status --porcelain=v1 -z --no-renames
 * --untracked-files=all`: entries `XY <path>` separated by NUL. With -z paths
 * are never quoted, and without renames every entry names exactly one path.
 */
export interface StatusEntry {
  path: string;
  /** The two status letters, e.g. ` M`, `??`, `D `. */
  code: string;
}

export class StatusFormatError extends Error {
  override name = "StatusFormatError";
}

export function parseStatus(porcelainZ: string): StatusEntry[] {
  return porcelainZ
    .split("\0")
    .filter((entry) => entry !== "")
    .map((entry) => {
      if (entry.length < 4 || entry[2] !== " ") {
        throw new StatusFormatError(
          `unexpected git status entry ${JSON.stringify(entry)}: run git status --porcelain=v1 -z --no-renames`,
        );
      }
      return { code: entry.slice(0, 2), path: entry.slice(3) };
    });
}

/** Every changed path (added, modified, deleted, untracked), sorted, each once. */
export function changedPaths(porcelainZ: string): string[] {
  return [...new Set(parseStatus(porcelainZ).map((e) => e.path))].sort();
}
