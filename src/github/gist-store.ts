import type { Octokit } from "@octokit/rest";
import { Lru } from "../core/lru.js";

/**
 * results.tsv and progress.svg in a gist. Installation tokens cannot write
 * gists, so this client is built from GIST_TOKEN (a token with the gist scope).
 */
export interface GistStore {
  create(description: string, files: Record<string, string>): Promise<{ id: string; url: string }>;
  read(id: string, file: string): Promise<string | null>;
  /** Writes only the files whose content changed since this store last wrote them: one request, or none. */
  write(id: string, files: Record<string, string>): Promise<GistWrite>;
  /** Forgets what it wrote to a gist (someone may have edited it): the next write sends every file. */
  forget(id: string): void;
}

export interface GistWrite {
  changed: boolean;
  htmlUrl: string;
  /** Raw URL of each file (before this write's revision: fine for links that follow the latest). */
  rawUrls: Record<string, string>;
}

/** What the store last wrote to a gist, so an unchanged ledger costs no request at all. */
interface KnownGist {
  files: Record<string, string>;
  htmlUrl: string;
  rawUrls: Record<string, string>;
}

export function createGistStore(octokit: Octokit): GistStore {
  const get = async (id: string) => (await octokit.rest.gists.get({ gist_id: id })).data;
  // Bounded: a server with many runs keeps the newest ledgers, at most ~32 MB of text.
  const known = new Lru<string, KnownGist>({
    maxEntries: 256,
    maxWeight: 32 * 1024 * 1024,
    weigh: (gist) => Object.values(gist.files).reduce((sum, text) => sum + text.length, 0),
  });
  return {
    async create(description, files) {
      const { data } = await octokit.rest.gists.create({
        description,
        public: false,
        files: Object.fromEntries(
          Object.entries(files).map(([name, content]) => [name, { content }]),
        ),
      });
      return { id: data.id ?? "", url: data.html_url ?? "" };
    },
    async read(id, file) {
      const gist = await get(id);
      return gist.files?.[file]?.content ?? null;
    },
    forget(id) {
      known.delete(id);
    },
    async write(id, files) {
      // Only this store writes the run's gist: what it wrote last is what is there. After a
      // restart (nothing known) every file is sent once, in the same single request.
      const last = known.get(id);
      const changed = Object.entries(files).filter(
        ([name, content]) => last?.files[name] !== content,
      );
      if (last && changed.length === 0) {
        return { changed: false, htmlUrl: last.htmlUrl, rawUrls: last.rawUrls };
      }
      const { data } = await octokit.rest.gists.update({
        gist_id: id,
        files: Object.fromEntries(changed.map(([name, content]) => [name, { content }])),
      });
      const rawUrls = Object.fromEntries(
        Object.entries(data.files ?? {}).map(([name, file]) => [name, file?.raw_url ?? ""]),
      );
      const htmlUrl = data.html_url ?? "";
      known.set(id, { files: { ...last?.files, ...files }, htmlUrl, rawUrls });
      return { changed: true, htmlUrl, rawUrls };
    },
  };
}
