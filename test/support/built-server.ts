/**
 * The built server (dist/server.js, what `npm start` runs) as a child process against the
 * sandbox GitHub, configured the way a GitHub Enterprise Server install is: GHE_HOST points at a
 * loopback proxy that serves the sandbox under GHES's `/api/v3` prefix (Probot builds its base
 * URL as `${GHE_PROTOCOL}://${GHE_HOST}/api/v3`).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT, type SandboxHandle } from "../../sandbox/harness.js";

export const SERVER_JS = join(PROJECT_ROOT, "dist/server.js");

export interface SeenRequest {
  method: string;
  path: string;
}

/** Forwards `/api/v3/*` to the sandbox's `/*`, recording what the app asked. */
export async function ghesProxy(
  target: string,
): Promise<{ host: string; seen: SeenRequest[]; close(): Promise<void> }> {
  const seen: SeenRequest[] = [];
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").replace(/^\/api\/v3(?=\/|$)/, "") || "/";
    seen.push({ method: req.method ?? "GET", path });
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on("error", (error) => {
      if (!res.headersSent) res.writeHead(502).end(String(error));
    });
    req.pipe(out);
  });
  const port = await listenOn(server, 0);
  return {
    host: `127.0.0.1:${port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listenOn(server, 0);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export interface BuiltServer {
  child: ChildProcess;
  url: string;
  /** Every JSON log line written so far. */
  lines(): Record<string, unknown>[];
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Waits until a log line matches. */
  waitForLine(what: RegExp, timeoutMs?: number): Promise<Record<string, unknown>>;
  kill(): void;
}

/** Starts dist/server.js as the sandbox's app, with JSON logs on stdout. */
export async function startBuiltServer(
  sb: SandboxHandle,
  ghesHost: string,
  port: number,
  env: Record<string, string> = {},
): Promise<BuiltServer> {
  // Probot reads a .env from its working directory: start it where there is none.
  const cwd = mkdtempSync(join(tmpdir(), "ar-server-"));
  const child = spawn(process.execPath, [SERVER_JS], {
    cwd,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      APP_ID: String(sb.app.id),
      PRIVATE_KEY: sb.app.privateKey,
      WEBHOOK_SECRET: sb.app.webhookSecret,
      GHE_HOST: ghesHost,
      GHE_PROTOCOL: "http",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_FORMAT: "json",
      LOG_LEVEL: "info",
      HEARTBEAT_SECONDS: "0",
      ...env,
    },
  });
  let text = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    text += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => {
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const lines = () =>
    text
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  const waitForLine = async (what: RegExp, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = lines().find((l) => what.test(String(l.msg)));
      if (line) return line;
      if (done || Date.now() > deadline)
        throw new Error(
          `the server ${done ? "exited" : `said nothing matching ${what} in ${timeoutMs} ms`}; stdout:\n${text}\nstderr:\n${stderr}`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const server: BuiltServer = {
    child,
    url: `http://127.0.0.1:${port}`,
    lines,
    exited,
    waitForLine,
    kill: () => {
      if (!done) child.kill("SIGKILL");
    },
  };
  await waitForLine(/^Listening on/);
  return server;
}
