/**
 * GitHub's official REST description (@octokit/openapi, api.github.com.json) as a contract:
 * every request the sandbox serves is matched and validated against it, and tests validate
 * our responses against it, so the sandbox cannot quietly accept what GitHub would refuse.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Ajv, ValidateFunction } from "ajv";
import { createAjv, describeAjvErrors } from "./ajv.js";
import { addErrataFormats, applySpecErrata } from "./spec-errata.js";

type Json = Record<string, unknown>;
type Components = Record<"schemas" | "parameters" | "responses", Record<string, Json>>;

interface ParameterSpec {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: Json;
  "x-multi-segment"?: boolean;
}

export interface OperationSpec {
  operationId: string;
  method: string;
  template: string;
  parameters: ParameterSpec[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Json }> };
  responses: Record<string, Json>;
  /** x-github.enabledForGitHubApps: false means installation tokens are refused. */
  enabledForGitHubApps: boolean;
  docsUrl: string;
}

export interface RouteMatch {
  operation: OperationSpec;
  /** Decoded path parameters. */
  params: Record<string, string>;
}

export type ContractErrorKind =
  | "unknown-route"
  | "method-not-allowed"
  | "path-param"
  | "query-param"
  | "body";

/** A request GitHub would refuse: `status` is what GitHub answers. */
export class ContractError extends Error {
  constructor(
    readonly kind: ContractErrorKind,
    readonly status: 404 | 422,
    message: string,
    readonly operationId?: string,
  ) {
    super(message);
    this.name = "ContractError";
  }
}

interface CompiledRoute {
  template: string;
  regex: RegExp;
  paramNames: string[];
  /** Literal characters: the more, the more specific (".../git/ref/{ref}" beats ".../{path}"). */
  literalLength: number;
  methods: Map<string, OperationSpec>;
}

const SCHEMA_ID = "https://sandbox.invalid/components/schemas/";
const HTTP_METHODS = ["get", "post", "put", "patch", "delete", "head"];

export class OpenApiContract {
  readonly #routes: CompiledRoute[] = [];
  readonly #byId = new Map<string, OperationSpec>();
  readonly #components: Components;
  readonly #validators = new Map<string, ValidateFunction>();
  #ajv: Ajv | undefined;
  #queryAjv: Ajv | undefined;

  constructor(spec: Json) {
    const components = spec.components as Components;
    // GitHub's answer wins where its description is known to be wrong (see spec-errata.ts).
    this.#components = { ...components, schemas: applySpecErrata(components.schemas) };
    for (const [template, item] of Object.entries(spec.paths as Record<string, Json>)) {
      this.#routes.push(this.#compileRoute(template, item));
    }
  }

  operation(operationId: string): OperationSpec {
    const op = this.#byId.get(operationId);
    if (!op) throw new Error(`unknown operationId "${operationId}" (not in api.github.com.json)`);
    return op;
  }

  /** Finds the operation for a request path (raw, still percent-encoded, without query). */
  match(method: string, rawPath: string): RouteMatch {
    const candidates: { route: CompiledRoute; values: string[] }[] = [];
    for (const route of this.#routes) {
      const m = route.regex.exec(rawPath);
      if (m) candidates.push({ route, values: m.slice(1) });
    }
    if (candidates.length === 0) {
      throw new ContractError(
        "unknown-route",
        404,
        `no route in GitHub's REST API matches ${method} ${rawPath}`,
      );
    }
    candidates.sort(
      (a, b) => b.route.literalLength - a.route.literalLength || a.values.length - b.values.length,
    );
    const withMethod = candidates.find((c) => c.route.methods.has(method.toLowerCase()));
    if (!withMethod) {
      const allowed = [...candidates[0].route.methods.keys()]
        .map((m) => m.toUpperCase())
        .join(", ");
      throw new ContractError(
        "method-not-allowed",
        404,
        `${method} is not an operation of ${candidates[0].route.template} (it has ${allowed})`,
      );
    }
    const { route, values } = withMethod;
    const operation = route.methods.get(method.toLowerCase())!;
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, i) => {
      params[name] = safeDecode(values[i]);
    });
    return { operation, params };
  }

  /**
   * Matches and validates a request like GitHub would: unknown route → 404, a path parameter
   * of the wrong type → 404, a bad query parameter or body → 422. Returns the match.
   */
  validateRequest(req: {
    method: string;
    path: string;
    query?: Record<string, string>;
    body?: unknown;
  }): RouteMatch {
    const match = this.match(req.method, req.path);
    const { operation, params } = match;
    for (const p of operation.parameters) {
      if (p.in === "path") this.#checkParam(operation, p, params[p.name], "path-param", 404);
      if (p.in === "query") {
        const value = req.query?.[p.name];
        if (value === undefined) {
          if (p.required) {
            throw new ContractError(
              "query-param",
              422,
              `${operation.operationId}: query parameter "${p.name}" is required`,
              operation.operationId,
            );
          }
          continue;
        }
        this.#checkParam(operation, p, value, "query-param", 422);
      }
    }
    this.#checkBody(operation, req.body);
    return match;
  }

  /**
   * Throws unless `body` satisfies the response schema the spec declares for that status:
   * proves the sandbox returns every field GitHub marks required.
   */
  validateResponse(operationId: string, status: number, body: unknown): void {
    const op = this.operation(operationId);
    let response = op.responses[String(status)];
    if (!response) {
      throw new Error(
        `${operationId}: the spec declares no ${status} response (has ${Object.keys(op.responses).join(", ")})`,
      );
    }
    response = this.#deref(response);
    const schema = (response.content as Record<string, { schema?: Json }> | undefined)?.[
      "application/json"
    ]?.schema;
    if (!schema) {
      if (body === undefined || body === null || body === "") return;
      throw new Error(`${operationId} ${status}: the spec declares no JSON body, but one was sent`);
    }
    const validate = this.#validator(`res:${operationId}:${status}`, schema);
    if (!validate(body)) {
      throw new Error(
        `${operationId} ${status} response does not match the spec: ${describeAjvErrors(validate.errors)}`,
      );
    }
  }

  #compileRoute(template: string, item: Json): CompiledRoute {
    const methods = new Map<string, OperationSpec>();
    const shared = (item.parameters as Json[] | undefined) ?? [];
    for (const method of HTTP_METHODS) {
      const raw = item[method] as Json | undefined;
      if (!raw?.operationId) continue;
      const parameters = [...shared, ...((raw.parameters as Json[] | undefined) ?? [])].map(
        (p) => this.#deref(p) as unknown as ParameterSpec,
      );
      const xGithub = (raw["x-github"] as Json | undefined) ?? {};
      const op: OperationSpec = {
        operationId: raw.operationId as string,
        method: method.toUpperCase(),
        template,
        parameters,
        requestBody: raw.requestBody as OperationSpec["requestBody"],
        responses: raw.responses as Record<string, Json>,
        enabledForGitHubApps: xGithub.enabledForGitHubApps !== false,
        docsUrl:
          ((raw.externalDocs as Json | undefined)?.url as string) ?? "https://docs.github.com/rest",
      };
      methods.set(method, op);
      this.#byId.set(op.operationId, op);
    }
    const multi = new Set(
      [...methods.values()].flatMap((op) =>
        op.parameters.filter((p) => p.in === "path" && p["x-multi-segment"]).map((p) => p.name),
      ),
    );
    const paramNames: string[] = [];
    // Segments like "{base}...{head}" hold several parameters, so work on the whole template.
    const pattern = template.replace(
      /\{([^}]+)\}|([^{]+)/g,
      (_all, name: string, literal: string) => {
        if (literal !== undefined) return escapeRegex(literal);
        paramNames.push(name);
        return multi.has(name) ? "(.+)" : "([^/]+?)";
      },
    );
    return {
      template,
      regex: new RegExp(`^${pattern}/?$`),
      paramNames,
      literalLength: template.replace(/\{[^}]+\}/g, "").length,
      methods,
    };
  }

  #checkParam(
    op: OperationSpec,
    p: ParameterSpec,
    value: string | undefined,
    kind: ContractErrorKind,
    status: 404 | 422,
  ) {
    if (value === undefined || !p.schema) return;
    const validate = this.#queryValidator(`param:${op.operationId}:${p.in}:${p.name}`, p.schema);
    const holder = { value };
    if (!validate(holder)) {
      throw new ContractError(
        kind,
        status,
        `${op.operationId}: ${p.in} parameter "${p.name}"=${JSON.stringify(value)} is invalid: ${describeAjvErrors(validate.errors)}`,
        op.operationId,
      );
    }
  }

  #checkBody(op: OperationSpec, body: unknown) {
    const spec = op.requestBody ? this.#deref(op.requestBody as Json) : undefined;
    const schema = (spec?.content as Record<string, { schema?: Json }> | undefined)?.[
      "application/json"
    ]?.schema;
    if (!spec || !schema) return;
    if (body === undefined) {
      if (spec.required) {
        throw new ContractError(
          "body",
          422,
          `${op.operationId}: a JSON request body is required`,
          op.operationId,
        );
      }
      return;
    }
    const validate = this.#validator(`req:${op.operationId}`, schema);
    if (!validate(body)) {
      throw new ContractError(
        "body",
        422,
        `${op.operationId}: request body is invalid: ${describeAjvErrors(validate.errors)}`,
        op.operationId,
      );
    }
  }

  #validator(key: string, schema: Json): ValidateFunction {
    let validate = this.#validators.get(key);
    if (!validate) {
      validate = this.#schemaAjv().compile(toJsonSchema(schema) as Json);
      this.#validators.set(key, validate);
    }
    return validate;
  }

  #queryValidator(key: string, schema: Json): ValidateFunction {
    let validate = this.#validators.get(key);
    if (!validate) {
      this.#queryAjv ??= this.#registerComponents(
        addErrataFormats(createAjv({ coerceTypes: true })),
      );
      validate = this.#queryAjv.compile({
        type: "object",
        properties: { value: toJsonSchema(schema) },
      });
      this.#validators.set(key, validate);
    }
    return validate;
  }

  #schemaAjv(): Ajv {
    this.#ajv ??= this.#registerComponents(addErrataFormats(createAjv()));
    return this.#ajv;
  }

  /** Component schemas are registered (not compiled) once; ajv compiles what a ref reaches. */
  #registerComponents(ajv: Ajv): Ajv {
    for (const [name, schema] of Object.entries(this.#components.schemas)) {
      ajv.addSchema(
        { ...(toJsonSchema(schema) as Json), $id: `${SCHEMA_ID}${name}` },
        undefined,
        undefined,
        false,
      );
    }
    return ajv;
  }

  #deref(node: Json): Json {
    let current = node;
    for (let hops = 0; typeof current.$ref === "string" && hops < 5; hops++) {
      const [, , kind, name] = (current.$ref as string).split("/");
      const table = this.#components[kind as "parameters" | "responses" | "schemas"];
      if (!table?.[name]) throw new Error(`unresolvable $ref ${current.$ref}`);
      current = table[name];
    }
    return current;
  }
}

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `nullable: true` becomes "or null", and refs into
 * components point at the ids the components were registered under.
 */
export function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === "nullable" || key === "example" || key === "examples") continue;
    if (key === "$ref" && typeof value === "string") {
      out.$ref = value.replace("#/components/schemas/", SCHEMA_ID);
      continue;
    }
    // Property names are data, not schemas: convert their values only.
    out[key] =
      key === "properties" && value && typeof value === "object"
        ? Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, toJsonSchema(v)]))
        : toJsonSchema(value);
  }
  if ((node as Json).nullable === true) return { anyOf: [out, { type: "null" }] };
  return out;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

let shared: OpenApiContract | undefined;

/** The contract, parsed once per process (the description is 13 MB). */
export function loadOpenApiContract(): OpenApiContract {
  if (!shared) {
    const require = createRequire(import.meta.url);
    const file = require.resolve("@octokit/openapi/generated/api.github.com.json");
    shared = new OpenApiContract(JSON.parse(readFileSync(file, "utf8")) as Json);
  }
  return shared;
}
