import type { IncomingMessage, ServerResponse } from "node:http";
import type { HealthReport } from "../core/server-health.js";

export const HEALTH_PATH = "/healthz";

/**
 * `GET /healthz` as a Probot handler (`addHandler`): the report as JSON, with its status (200, or
 * 503 when a run keeps failing). Other paths fall through to the next handler.
 */
export function healthRoute(report: () => HealthReport) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (new URL(req.url ?? "/", "http://localhost").pathname !== HEALTH_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain" });
      res.end(`${HEALTH_PATH} answers GET only\n`);
      return true;
    }
    const { status, body } = report();
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : `${JSON.stringify(body)}\n`);
    return true;
  };
}
