import type { Octokit } from "@octokit/rest";

/**
 * results.tsv and progress.svg in a gist. Installation tokens cannot write
 * gists, so this client is built from GIST_TOKEN (a token with the gist scope).
 */
export interface GistStore {
  create(description: string, files: Record<string, string>): Promise<{ id: string; url: string }>;
  read(id: string, file: string): Promise<string | null>;
  /** Writes only the files whose content changed. */
  write(id: string, files: Record<string, string>): Promise<GistWrite>;
}

export interface GistWrite {
  changed: boolean;
  htmlUrl: string;
  /** Raw URL of each file (before this write's revision: fine for links that follow the latest). */
  rawUrls: Record<string, string>;
}

export function createGistStore(octokit: Octokit): GistStore {
  const get = async (id: string) => (await octokit.rest.gists.get({ gist_id: id })).data;
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
    async write(id, files) {
      const gist = await get(id);
      const changed = Object.entries(files).filter(
        ([name, content]) => gist.files?.[name]?.content !== content,
      );
      if (changed.length > 0) {
        await octokit.rest.gists.update({
          gist_id: id,
          files: Object.fromEntries(changed.map(([name, content]) => [name, { content }])),
        });
      }
      const rawUrls = Object.fromEntries(
        Object.entries(gist.files ?? {}).map(([name, file]) => [name, file?.raw_url ?? ""]),
      );
      return { changed: changed.length > 0, htmlUrl: gist.html_url ?? "", rawUrls };
    },
  };
}
