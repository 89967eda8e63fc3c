import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { loadWebhookSchemas } from "../../sandbox/webhook-schemas.js";

type Payload = Record<string, unknown>;
const require = createRequire(import.meta.url);
const examples = require("@octokit/webhooks-examples") as { name: string; examples: Payload[] }[];
const schemas = loadWebhookSchemas();

function example(event: string, action?: string): Payload {
  const found = examples.find((e) => e.name === event)?.examples.find((p) => p.action === action);
  if (!found) throw new Error(`no example for ${event}.${action}`);
  return structuredClone(found);
}

describe("webhook schemas", () => {
  // Most examples in @octokit/webhooks-examples predate fields the schemas now require; this one is current.
  it("accepts a payload GitHub sent (workflow_run.requested example)", () => {
    expect(() =>
      schemas.validate("workflow_run", example("workflow_run", "requested")),
    ).not.toThrow();
  });

  it("names the definition for events with and without actions", () => {
    expect(schemas.definitionName("pull_request", "synchronize")).toBe("pull_request$synchronize");
    expect(schemas.definitionName("push", undefined)).toBe("push$event");
    expect(() => schemas.definitionName("no_such_event", "x")).toThrow(/define no/);
  });

  it("trims properties a closed schema does not allow, keeping the rest", () => {
    const payload = example("workflow_run", "requested");
    (payload.workflow_run as Payload).sandbox_only = true;
    const trimmed = schemas.project("workflow_run", payload);
    expect(trimmed.workflow_run).not.toHaveProperty("sandbox_only");
    expect((trimmed.workflow_run as Payload).id).toBe((payload.workflow_run as Payload).id);
    expect(() => schemas.validate("workflow_run", trimmed)).not.toThrow();
  });

  it("refuses a wrongly typed field that trimming keeps", () => {
    const payload = example("workflow_run", "requested");
    (payload.repository as Payload).organization = { login: "acme" };
    expect(() =>
      schemas.validate("workflow_run", schemas.project("workflow_run", payload)),
    ).toThrow(/organization/);
  });

  it("reports a payload missing a field GitHub always sends", () => {
    const payload = example("workflow_run", "requested");
    delete (payload.workflow_run as Payload).html_url;
    expect(() => schemas.validate("workflow_run", payload)).toThrow(
      /workflow_run\$requested payload .*html_url/,
    );
  });
});
