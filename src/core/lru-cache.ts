/**
 * A least-recently-used cache bounded twice: by its number of entries and by the sum of the
 * sizes its caller gives each entry. Reading an entry makes it the newest; adding past either
 * bound drops the oldest entries until both hold again. No I/O, no clock: the caller sizes.
 */
export interface LruLimits {
  maxEntries: number;
  /** Upper bound on the sum of the entries' sizes (the caller's unit, e.g. approximate bytes). */
  maxSize: number;
}

export class LruCache<V> {
  readonly #entries = new Map<string, { value: V; size: number }>();
  #size = 0;

  constructor(readonly limits: LruLimits) {
    if (!(limits.maxEntries >= 1) || !(limits.maxSize >= 1)) {
      throw new Error(
        `LruCache limits must be at least 1 (got maxEntries ${limits.maxEntries}, maxSize ${limits.maxSize})`,
      );
    }
  }

  get entries(): number {
    return this.#entries.size;
  }

  /** The sum of the kept entries' sizes. */
  get size(): number {
    return this.#size;
  }

  /** Keys from oldest to newest (the next to be dropped first). */
  keys(): string[] {
    return [...this.#entries.keys()];
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    return entry.value;
  }

  /**
   * Keeps `value` as the newest entry and returns the keys dropped to make room, oldest first.
   * An entry larger than `maxSize` on its own is not kept (and any older value of its key goes).
   */
  set(key: string, value: V, size: number): string[] {
    this.delete(key);
    if (size > this.limits.maxSize) return [];
    this.#entries.set(key, { value, size });
    this.#size += size;
    const dropped: string[] = [];
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.limits.maxEntries && this.#size <= this.limits.maxSize) break;
      this.#entries.delete(oldest);
      this.#size -= entry.size;
      dropped.push(oldest);
    }
    return dropped;
  }

  delete(key: string): boolean {
    const entry = this.#entries.get(key);
    if (!entry) return false;
    this.#entries.delete(key);
    this.#size -= entry.size;
    return true;
  }
}
