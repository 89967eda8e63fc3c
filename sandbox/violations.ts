/**
 * Contract violations: requests GitHub would refuse, routes the sandbox lacks, responses or
 * webhook payloads that break the official schemas. Any of them fails the test run.
 */

export type ViolationKind =
  | "unknown-route"
  | "method-not-allowed"
  | "path-param"
  | "query-param"
  | "body"
  | "unimplemented"
  | "response"
  | "webhook-payload"
  | "runner"
  /** A chat digest its service (Slack, Discord, Telegram) would refuse. */
  | "chat";

export interface Violation {
  kind: ViolationKind;
  message: string;
  /** "GET /repos/acme/research/pullz" or "webhook pull_request.opened". */
  where: string;
  at: string;
}

export class ViolationLog {
  readonly list: Violation[] = [];

  record(kind: ViolationKind, where: string, message: string): void {
    this.list.push({ kind, where, message, at: new Date().toISOString() });
  }

  /** Throws listing every violation, for test teardown: `sandbox.assertNoViolations()`. */
  assertNone(): void {
    if (this.list.length === 0) return;
    const lines = this.list.map((v) => `- [${v.kind}] ${v.where}: ${v.message}`);
    throw new Error(
      `the sandbox recorded ${this.list.length} contract violation(s):\n${lines.join("\n")}`,
    );
  }

  clear(): void {
    this.list.length = 0;
  }
}
