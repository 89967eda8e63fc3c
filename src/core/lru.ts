/**
 * A bounded map that forgets the least recently used entries: every in-memory cache of the app
 * (ETags, commit facts, gist contents, config) is one of these, so a server's memory does not
 * grow with nights, runs or repositories. Size is counted in entries and, when a `weigh`
 * function is given, in approximate bytes.
 */
export interface LruOptions<V, K = unknown> {
  maxEntries: number;
  /** Upper bound on the sum of `weigh(value)` (e.g. bytes); unbounded without `weigh`. */
  maxWeight?: number;
  weigh?: (value: V) => number;
  /** Told of every entry dropped to make room (not of deletes or replacements). */
  onEvict?: (key: K) => void;
}

export class Lru<K, V> {
  readonly #map = new Map<K, { value: V; weight: number }>();
  readonly #options: LruOptions<V, K>;
  #weight = 0;

  constructor(options: LruOptions<V, K>) {
    if (!(options.maxEntries >= 1)) throw new Error("an LRU cache needs maxEntries ≥ 1");
    this.#options = options;
  }

  get size(): number {
    return this.#map.size;
  }

  /** Sum of the weights of what is held (0 without `weigh`). */
  get weight(): number {
    return this.#weight;
  }

  /** The value, marking it as just used. */
  get(key: K): V | undefined {
    const entry = this.#map.get(key);
    if (!entry) return undefined;
    this.#map.delete(key);
    this.#map.set(key, entry);
    return entry.value;
  }

  has(key: K): boolean {
    return this.#map.has(key);
  }

  /** Stores a value; one heavier than the whole cache is not kept at all. */
  set(key: K, value: V): this {
    this.delete(key);
    const weight = this.#options.weigh?.(value) ?? 0;
    const maxWeight = this.#options.maxWeight ?? Number.POSITIVE_INFINITY;
    if (weight > maxWeight) return this;
    this.#map.set(key, { value, weight });
    this.#weight += weight;
    while (this.#map.size > this.#options.maxEntries || this.#weight > maxWeight) {
      const oldest = this.#map.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
      this.#options.onEvict?.(oldest.value);
    }
    return this;
  }

  delete(key: K): boolean {
    const entry = this.#map.get(key);
    if (!entry) return false;
    this.#map.delete(key);
    this.#weight -= entry.weight;
    return true;
  }

  clear(): void {
    this.#map.clear();
    this.#weight = 0;
  }
}
