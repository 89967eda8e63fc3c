import type { DashboardData } from "./dashboard.js";

/**
 * How often the dashboard is rewritten. Every rewrite costs one request, and the next pass one
 * more (the dashboards are read conditionally: a list nobody wrote to since is a free `304`).
 * With many GPUs a pass comes every few seconds, each changing only the tables ("In flight",
 * "Last experiments"), so while trainings are in flight those changes wait for the next rewrite.
 * What a reader must see at once is written at once: anything in the run block (status, notes),
 * a new best, a warning, and the last pass of a burst of work (nothing in flight: no later pass
 * is sure to come).
 */

/** This instance's last write of one dashboard. */
export interface DashboardWrite {
  /** When it was written (ms since the epoch). */
  at: number;
  /** `urgentPart` of what was written. */
  urgent: string;
}

/**
 * The part of the dashboard that is written at once when it changes: the run block (without
 * next_n, which the trail gives anyway), the status, the best, warnings and notes.
 */
export function urgentPart(data: DashboardData): string {
  return JSON.stringify({
    run: { ...data.run, next_n: 0 },
    best: data.best,
    alerts: data.alerts,
    sweep: data.sweepNote,
  });
}

export type DashboardStep = "write" | "wait" | "none";

/** Whether to write the dashboard in this pass. Pure. */
export function dashboardStep(input: {
  /** The rendered body differs from the issue's, or the issue must close. */
  changed: boolean;
  urgent: string;
  /** This instance's last write of this dashboard; undefined when it has none (a restart). */
  last: DashboardWrite | undefined;
  /** Trainings dispatched and not yet decided after this pass: each one's end brings a pass. */
  inFlight: number;
  now: number;
  /** `dashboardEverySeconds`; 0 writes on every pass. */
  everySeconds: number;
}): DashboardStep {
  if (!input.changed) return "none";
  if (input.everySeconds === 0 || input.inFlight === 0 || input.last === undefined) return "write";
  if (input.last.urgent !== input.urgent) return "write";
  return input.now - input.last.at >= input.everySeconds * 1000 ? "write" : "wait";
}
