import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  body: unknown;
  authorization: string | undefined;
}

export interface CommentsApi {
  url: string;
  requests: RecordedRequest[];
  comments: { id: number; body: string; user: { login: string; type: string } }[];
  close(): Promise<void>;
}

/**
 * The few REST routes the runner action calls, with GitHub's shapes: the PR,
 * its files, and the issue comments it keeps sticky. Records every request.
 */
export async function startCommentsApi(options: {
  owner: string;
  repo: string;
  pr: { number: number; headRef: string; headSha: string; files: string[]; headRepo?: string };
  comments?: CommentsApi["comments"];
}): Promise<CommentsApi> {
  const requests: RecordedRequest[] = [];
  const comments = options.comments ?? [];
  let nextId = 1000 + comments.length;
  const base = `/repos/${options.owner}/${options.repo}`;
  const { pr } = options;

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://x");
    requests.push({
      method: req.method ?? "",
      path: url.pathname,
      body,
      authorization: req.headers.authorization,
    });
    const send = (status: number, data: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(data));
    };
    const path = url.pathname;
    if (req.method === "GET" && path === `${base}/pulls/${pr.number}`) {
      return send(200, {
        number: pr.number,
        state: "open",
        head: {
          ref: pr.headRef,
          sha: pr.headSha,
          repo: { full_name: pr.headRepo ?? `${options.owner}/${options.repo}` },
        },
      });
    }
    if (req.method === "GET" && path === `${base}/pulls/${pr.number}/files`) {
      return send(
        200,
        pr.files.map((filename) => ({ filename, additions: 1, deletions: 1, status: "modified" })),
      );
    }
    if (path === `${base}/issues/${pr.number}/comments`) {
      if (req.method === "GET") return send(200, comments);
      const created = {
        id: nextId++,
        body: (body as { body: string }).body,
        user: { login: "github-actions[bot]", type: "Bot" },
      };
      comments.push(created);
      return send(201, created);
    }
    const edit = new RegExp(`^${base}/issues/comments/(\\d+)$`).exec(path);
    if (req.method === "PATCH" && edit) {
      const comment = comments.find((c) => c.id === Number(edit[1]));
      if (!comment) return send(404, { message: "Not Found" });
      comment.body = (body as { body: string }).body;
      return send(200, comment);
    }
    send(404, { message: `Not Found: ${req.method} ${path}` });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    comments,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : null;
}
