import { Ajv, type ErrorObject, type Options } from "ajv";
import formatsModule from "ajv-formats";

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the
// module object at type level but the function at run time. Accept either.
type FormatsPlugin = (ajv: Ajv) => Ajv;
const formatsExport = formatsModule as unknown as FormatsPlugin & { default?: FormatsPlugin };
const addFormats: FormatsPlugin = formatsExport.default ?? formatsExport;

/** GitHub's schemas use formats ajv-formats does not know; they carry no checkable rule. */
const LENIENT_FORMATS = ["repo.nwo", "ssh-key", "ssh-key fingerprint", "uri-template", "binary"];

export function createAjv(options: Options = {}): Ajv {
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    logger: false,
    inlineRefs: false,
    ...options,
  });
  addFormats(ajv);
  for (const name of LENIENT_FORMATS) ajv.addFormat(name, true);
  // The webhook schemas mark TypeScript-only hints with this keyword.
  ajv.addKeyword("tsAdditionalProperties");
  return ajv;
}

/** "at /pull_request/head: must have required property 'sha'"; a few problems, not hundreds. */
export function describeAjvErrors(errors: ErrorObject[] | null | undefined, limit = 8): string {
  if (!errors || errors.length === 0) return "unknown schema error";
  const lines = errors.slice(0, limit).map((e) => {
    const where = e.instancePath || "(root)";
    const extra =
      e.keyword === "additionalProperties"
        ? ` '${(e.params as { additionalProperty: string }).additionalProperty}'`
        : e.keyword === "enum"
          ? ` ${JSON.stringify((e.params as { allowedValues: unknown[] }).allowedValues)}`
          : "";
    return `at ${where}: ${e.message ?? e.keyword}${extra}`;
  });
  if (errors.length > limit) lines.push(`… and ${errors.length - limit} more`);
  return lines.join("; ");
}
