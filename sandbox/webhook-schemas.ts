/**
 * The official webhook payload schemas (@octokit/webhooks-schemas): every payload the sandbox
 * sends is trimmed to the properties the schema allows (our REST objects carry more) and then
 * validated, so a payload missing a field GitHub always sends is caught here.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";
import { createAjv, describeAjvErrors } from "./ajv.js";

type Schema = Record<string, unknown>;

const SCHEMA_ID = "https://sandbox.invalid/webhooks.json";

export class WebhookSchemas {
  readonly #root: { definitions: Record<string, Schema> };
  readonly #ajv: Ajv;
  readonly #validators = new Map<string, ValidateFunction>();

  constructor(root: { definitions: Record<string, Schema> }) {
    this.#root = root;
    this.#ajv = createAjv();
    this.#ajv.addSchema({ ...root, $id: SCHEMA_ID, oneOf: undefined }, undefined, undefined, false);
  }

  /** `pull_request$opened`, or `push$event` for events without actions. */
  definitionName(event: string, action: string | undefined): string {
    const withAction = `${event}$${action}`;
    if (action && this.#root.definitions[withAction]) return withAction;
    if (this.#root.definitions[`${event}$event`]) return `${event}$event`;
    throw new Error(`the webhook schemas define no "${withAction}" or "${event}$event" payload`);
  }

  /** Drops properties the schema does not allow (where it is closed), keeping everything else. */
  project(event: string, payload: Record<string, unknown>): Record<string, unknown> {
    const name = this.definitionName(event, payload.action as string | undefined);
    return this.#project([this.#root.definitions[name]], payload) as Record<string, unknown>;
  }

  /** Throws with the schema errors when the payload is not a valid `event` payload. */
  validate(event: string, payload: Record<string, unknown>): void {
    const name = this.definitionName(event, payload.action as string | undefined);
    let validate = this.#validators.get(name);
    if (!validate) {
      validate = this.#ajv.compile({
        $ref: `${SCHEMA_ID}#/definitions/${name.replace("$", "%24")}`,
      });
      this.#validators.set(name, validate);
    }
    if (!validate(payload)) {
      throw new Error(
        `${name} payload does not match @octokit/webhooks-schemas: ${describeAjvErrors(validate.errors)}`,
      );
    }
  }

  #resolve(schema: Schema): Schema {
    let current = schema;
    for (let hops = 0; typeof current.$ref === "string" && hops < 10; hops++) {
      const name = (current.$ref as string).replace(/^#\/definitions\//, "");
      current = this.#root.definitions[name] ?? {};
    }
    return current;
  }

  /** Flattens allOf/anyOf/oneOf so every alternative's properties are known. */
  #flatten(schemas: Schema[]): Schema[] {
    const out: Schema[] = [];
    const visit = (s: Schema, depth: number) => {
      const r = this.#resolve(s);
      out.push(r);
      if (depth > 6) return;
      for (const key of ["allOf", "anyOf", "oneOf"]) {
        for (const sub of (r[key] as Schema[] | undefined) ?? []) visit(sub, depth + 1);
      }
    };
    for (const s of schemas) visit(s, 0);
    return out;
  }

  #project(schemas: Schema[], value: unknown): unknown {
    if (Array.isArray(value)) {
      const items = this.#flatten(schemas).flatMap((s) =>
        s.items && typeof s.items === "object" ? [s.items as Schema] : [],
      );
      return items.length ? value.map((v) => this.#project(items, v)) : value;
    }
    if (!value || typeof value !== "object") return value;
    const flat = this.#flatten(schemas).filter(
      (s) => s.properties || s.additionalProperties !== undefined || s.type === "object",
    );
    if (flat.length === 0) return value;
    const closed = flat.some((s) => s.additionalProperties === false);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const subs = flat.flatMap((s) =>
        (s.properties as Record<string, Schema> | undefined)?.[key]
          ? [(s.properties as Record<string, Schema>)[key]]
          : [],
      );
      if (subs.length === 0) {
        if (!closed) out[key] = v;
        continue;
      }
      out[key] = this.#project(subs, v);
    }
    return out;
  }
}

let shared: WebhookSchemas | undefined;

export function loadWebhookSchemas(): WebhookSchemas {
  if (!shared) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/webhooks-schemas/schema.json");
    shared = new WebhookSchemas(JSON.parse(readFileSync(file, "utf8")));
  }
  return shared;
}
