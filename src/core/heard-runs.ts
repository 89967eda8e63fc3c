/**
 * Workflow runs as their signed `workflow_run` webhooks described them, so a pass need not read
 * them again. A completed run is judged once from what was heard (then read from GitHub if it
 * is asked about again: a re-run by hand). A run still queued or going is believed for a short
 * while after it was heard: its next change comes as a webhook too, and a webhook that was lost
 * only delays what a read would have seen by that long.
 */
export interface RunDescription {
  status: string;
  /** ISO time GitHub last changed the run. */
  updatedAt: string;
}

export interface HeardRun<F extends RunDescription> {
  /** null once a completed description was taken: the run is read from GitHub from then on. */
  facts: F | null;
  updatedAt: string;
  /** When it was heard (ms since the epoch). */
  heardAt: number;
  completed: boolean;
}

/** How long a description of a run that is not over is believed after it was heard. */
export const HEARD_FRESH_MS = 60_000;

/** How far along a run was: queued (or requested, waiting…), in progress, completed. */
const stage = <F extends RunDescription>(heard: HeardRun<F>) =>
  heard.completed ? 2 : heard.facts?.status === "in_progress" ? 1 : 0;

/**
 * What to remember after hearing `facts`: webhooks may arrive out of order, and an older
 * description (or, within the same second, an earlier stage) never replaces a newer one.
 */
export function hear<F extends RunDescription>(
  known: HeardRun<F> | undefined,
  facts: F,
  heardAt: number,
): HeardRun<F> {
  const incoming: HeardRun<F> = {
    facts,
    updatedAt: facts.updatedAt,
    heardAt,
    completed: facts.status === "completed",
  };
  if (known === undefined) return incoming;
  const newer = Date.parse(facts.updatedAt) - Date.parse(known.updatedAt);
  if (newer > 0) return incoming;
  return newer === 0 && stage(incoming) > stage(known) ? incoming : known;
}

/**
 * What a pass may use instead of reading the run (`use`), and what stays remembered (`keep`;
 * undefined: forget it).
 */
export function takeHeard<F extends RunDescription>(
  known: HeardRun<F> | undefined,
  now: number,
): { use: F | undefined; keep: HeardRun<F> | undefined } {
  if (known === undefined || known.facts === null) return { use: undefined, keep: known };
  if (known.completed) return { use: known.facts, keep: { ...known, facts: null } };
  if (now - known.heardAt <= HEARD_FRESH_MS) return { use: known.facts, keep: known };
  return { use: undefined, keep: undefined };
}
