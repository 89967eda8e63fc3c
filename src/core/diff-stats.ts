/**
 * What a PR changed, from GitHub's "list pull request files" entries: totals for the
 * PR body, paths outside what an experiment may touch, and whether only a seed moved.
 */

export interface ChangedFile {
  filename: string;
  additions: number;
  deletions: number;
  /** Unified diff hunks; GitHub leaves it out for binary and very large files. */
  patch?: string;
}

export interface DiffStats {
  added: number;
  removed: number;
  files: string[];
}

export function diffStats(files: readonly ChangedFile[]): DiffStats {
  return {
    added: files.reduce((sum, f) => sum + f.additions, 0),
    removed: files.reduce((sum, f) => sum + f.deletions, 0),
    files: files.map((f) => f.filename),
  };
}

/**
 * Lines that differ between two versions of a file edited in place (what a diff counts as that
 * many additions and as many deletions); null when lines were added or removed.
 */
export function linesEditedInPlace(before: string, after: string): number | null {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length !== b.length) return null;
  return a.filter((line, i) => line !== b[i]).length;
}

/** The changed paths an experiment may not touch (exact repo paths, in the order given). */
export function pathsOutside(files: readonly string[], allowed: readonly string[]): string[] {
  const ok = new Set(allowed);
  return files.filter((path) => !ok.has(path));
}

// `SEED = 42`, `cfg.seed: int = 1`, `SEED += 1` — any assignment whose target names a seed.
const SEED_ASSIGNMENT = /^(?:[A-Za-z_][\w.]*)?seed\w*\s*(?::[^=]+)?(?:[-+*/%]|\/\/)?=(?!=)/i;
// `torch.manual_seed(1337)`, `random.seed(0)`, `np.random.seed(SEED)`, `torch.cuda.manual_seed_all(0)`.
const SEED_CALL = /^[\w.]*seed\w*\s*\(.*\)$/i;
const HUNK_HEADER = /^@@ -\d+(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

/**
 * True when every changed line of a unified diff sets a random seed: the "improvement"
 * such a change brings is noise, not an idea. Blank and comment-only lines are neutral
 * because they cannot change what is trained; a diff with no seed line at all is not seed-only.
 */
export function isSeedOnly(patch: string): boolean {
  const changed = changedLines(patch)
    .map(stripComment)
    .filter((line) => line !== "");
  return changed.length > 0 && changed.every((line) => isSeedLine(line));
}

function isSeedLine(line: string): boolean {
  // `SEED = 1; LR = 2` hides a second statement behind the seed.
  if (line.includes(";")) return false;
  return SEED_ASSIGNMENT.test(line) || SEED_CALL.test(line);
}

/**
 * The text of added and removed lines, without their +/- sign. Hunks are walked by the
 * line counts in their `@@` headers, so `--- a/file` headers between files are never
 * mistaken for removed lines.
 */
export function changedLines(patch: string): string[] {
  const lines: string[] = [];
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of patch.replace(/\r\n/g, "\n").split("\n")) {
    if (oldLeft > 0 || newLeft > 0) {
      if (line.startsWith("+")) newLeft--;
      else if (line.startsWith("-")) oldLeft--;
      else if (!line.startsWith("\\")) {
        oldLeft--;
        newLeft--;
      }
      if (line.startsWith("+") || line.startsWith("-")) lines.push(line.slice(1));
      continue;
    }
    const header = HUNK_HEADER.exec(line);
    if (header) {
      oldLeft = header[1] === undefined ? 1 : Number(header[1]);
      newLeft = header[2] === undefined ? 1 : Number(header[2]);
    }
  }
  return lines;
}

/** Drops a trailing `# comment` (one not inside quotes) and surrounding space. */
function stripComment(line: string): string {
  return line.replace(/#[^'"]*$/, "").trim();
}
