/**
 * One writer per run across app instances: a lease kept in GitHub as a ref
 * (`refs/autoresearch/lock/<tag>`) pointing at a commit whose message holds the holder and
 * when the lease ends. Taking it is a compare-and-swap on the ref: create (422 if it exists)
 * or fast-forward from the sha that was read (422 if someone moved it meanwhile).
 */
export interface LeaseRecord {
  owner: string;
  expires_at: string;
}

export const LEASE_REF_PREFIX = "autoresearch/lock/";
const HEADER = "autoresearch lease";

export const leaseRef = (tag: string) => `${LEASE_REF_PREFIX}${tag}`;

export function renderLease(record: LeaseRecord): string {
  return `${HEADER}\n\n${JSON.stringify(record)}\n`;
}

/** The lease in a lock commit's message, or null when the message is not one. */
export function readLease(message: string): LeaseRecord | null {
  if (!message.startsWith(HEADER)) return null;
  try {
    const json = JSON.parse(message.slice(HEADER.length).trim()) as Partial<LeaseRecord>;
    if (typeof json.owner !== "string" || typeof json.expires_at !== "string") return null;
    if (!Number.isFinite(Date.parse(json.expires_at))) return null;
    return { owner: json.owner, expires_at: json.expires_at };
  } catch {
    return null;
  }
}

/**
 * When a lease taken at `now` ends: `ttlMs` later, rounded up to the next slot (half the TTL, at
 * most a minute). Passes close together then write the same lease record, and a later one
 * points the ref at the lock commit an earlier one made instead of making another (one request
 * less). A holder that died blocks the run at most one slot longer.
 */
export function leaseEnd(now: number, ttlMs: number): number {
  const slot = leaseSlotMs(ttlMs);
  return Math.ceil((now + ttlMs) / slot) * slot;
}

/** The slot lease ends are rounded to: half the TTL, at most a minute. */
export const leaseSlotMs = (ttlMs: number) => Math.min(60_000, Math.max(1, Math.floor(ttlMs / 2)));

export type LeaseDecision =
  | { kind: "take" }
  | { kind: "busy"; owner: string; until: string; waitMs: number };

/**
 * Whether `me` may take (or renew) the lease now. A lease nobody can read is broken and may be
 * taken; a lease past its end is free whoever held it.
 */
export function leaseDecision(current: LeaseRecord | null, me: string, now: Date): LeaseDecision {
  if (current === null || current.owner === me) return { kind: "take" };
  const waitMs = Date.parse(current.expires_at) - now.getTime();
  if (waitMs <= 0) return { kind: "take" };
  return { kind: "busy", owner: current.owner, until: current.expires_at, waitMs };
}
