/**
 * Conditional requests as an Octokit plugin: every GET answered with an `etag` (or
 * `last-modified`) is remembered, the next GET of the same URL by the same identity sends
 * `If-None-Match` (or `If-Modified-Since`), and a `304 Not Modified` is answered from the cache.
 * GitHub does not count a 304 against the primary rate limit ("Best practices for using the
 * REST API": use conditional requests if appropriate). The cache is an LRU bounded by entries
 * and approximate bytes, shared by every client given it (Probot builds one client per event).
 */
import { createHash } from "node:crypto";
import type { Octokit } from "@octokit/core";
import type { EndpointDefaults, OctokitResponse, ResponseHeaders } from "@octokit/types";
import { Lru } from "../core/lru.js";

export interface LruLimits {
  maxEntries: number;
  /** Upper bound on the approximate bytes of response text kept. */
  maxSize: number;
}

interface Cached {
  url: string;
  etag: string | undefined;
  lastModified: string | undefined;
  headers: ResponseHeaders;
  /** The body as sent (JSON text, or raw text): each hit gets its own copy to mutate. */
  body: string;
  json: boolean;
}

export interface ResponseCacheStats {
  /** GETs answered 304 and served from the cache. */
  hits: number;
  /** GETs sent with a validator that came back with a new body. */
  changed: number;
  entries: number;
  bytes: number;
  evictions: number;
}

export interface ResponseCache {
  readonly limits: LruLimits;
  stats(): ResponseCacheStats;
  /** @internal (the plugin's) */
  lookup(key: string): Cached | undefined;
  /** @internal */
  remember(key: string, entry: Cached): void;
  /** @internal */
  count(what: "hits" | "changed"): void;
}

/** About 2,000 responses, at most ~32 MB of response text, by default. */
export const DEFAULT_CACHE_LIMITS: LruLimits = { maxEntries: 2000, maxSize: 32 * 1024 * 1024 };

export function createResponseCache(limits: LruLimits = DEFAULT_CACHE_LIMITS): ResponseCache {
  const counts = { hits: 0, changed: 0, evictions: 0 };
  const lru = new Lru<string, { entry: Cached; size: number }>({
    maxEntries: limits.maxEntries,
    maxWeight: limits.maxSize,
    weigh: (kept) => kept.size,
    onEvict: () => {
      counts.evictions++;
    },
  });
  return {
    limits,
    stats: () => ({ ...counts, entries: lru.size, bytes: lru.weight }),
    lookup: (key) => lru.get(key)?.entry,
    remember(key, entry) {
      // UTF-16 length of the text kept: close enough to bytes for a bound.
      lru.set(key, { entry, size: entry.body.length + key.length + 200 });
    },
    count(what) {
      counts[what]++;
    },
  };
}

/** Octokit option naming the cache; a client without it makes no conditional requests. */
export interface ConditionalRequestOptions {
  responseCache?: ResponseCache | false;
}

export function conditionalRequests(
  octokit: Octokit,
  options: ConditionalRequestOptions & { auth?: unknown },
): Record<string, never> {
  const cache = options.responseCache;
  const scope = identityOf(options.auth);
  if (!cache || scope === null) return {};
  octokit.hook.wrap("request", async (request, route) => {
    const endpoint = octokit.request.endpoint.parse(route as EndpointDefaults);
    const own = endpoint.headers as Record<string, string | undefined>;
    if (endpoint.method !== "GET" || own["if-none-match"] || own["if-modified-since"]) {
      return request(route);
    }
    const key = `${scope} ${own.accept ?? ""} ${endpoint.url}`;
    const cached = cache.lookup(key);
    if (cached) {
      route.headers = {
        ...route.headers,
        ...(cached.etag
          ? { "if-none-match": cached.etag }
          : { "if-modified-since": cached.lastModified }),
      };
    }
    let response: OctokitResponse<unknown>;
    try {
      response = await request(route);
    } catch (error) {
      const status = (error as { status?: unknown }).status;
      if (!cached || status !== 304) throw error;
      cache.count("hits");
      const fresh = (error as { response?: { headers?: ResponseHeaders } }).response?.headers;
      return {
        status: 200,
        url: cached.url,
        headers: { ...cached.headers, ...fresh },
        data: cached.json ? JSON.parse(cached.body) : cached.body,
      };
    }
    if (cached) cache.count("changed");
    const entry = entryOf(response);
    if (entry) cache.remember(key, entry);
    return response;
  });
  return {};
}

function entryOf(response: OctokitResponse<unknown>): Cached | null {
  const { etag, "last-modified": lastModified } = response.headers;
  if (response.status !== 200 || (!etag && !lastModified)) return null;
  const { data } = response;
  const json = typeof data !== "string";
  if (json && (data === null || typeof data !== "object" || data instanceof ArrayBuffer)) {
    return null;
  }
  return {
    url: response.url,
    etag,
    lastModified,
    headers: response.headers,
    body: json ? JSON.stringify(data) : (data as string),
    json,
  };
}

/**
 * Whose view a response is: a token (by its hash), an app installation, or the app itself.
 * Responses are never shared between identities: GitHub answers by what the caller may see.
 */
function identityOf(auth: unknown): string | null {
  if (typeof auth === "string" && auth) {
    return `token:${createHash("sha256").update(auth).digest("hex").slice(0, 16)}`;
  }
  if (typeof auth === "object" && auth !== null) {
    const { appId, installationId } = auth as { appId?: unknown; installationId?: unknown };
    if (installationId !== undefined && appId !== undefined)
      return `installation:${appId}/${installationId}`;
    if (appId !== undefined) return `app:${appId}`;
  }
  return null;
}
