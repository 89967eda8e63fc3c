import type { z } from "zod";

/** A block read from a body: the validated value, what was signed, and its MAC (if any). */
export interface ReadBlock<T> {
  value: T;
  /** The block's JSON without its `mac`: what a MAC is checked against. */
  payload: Record<string, unknown>;
  mac: string | null;
}

export interface HiddenBlock<T> {
  render(value: T, mac: string | null): string;
  /** The first block of this kind in a body, or null when there is none or it does not validate. */
  read(body: string | null | undefined): ReadBlock<T> | null;
  /** Replaces the block in a body (or appends one), leaving the rest as it was. */
  replace(body: string, value: T, mac: string | null): string;
}

/**
 * A JSON value kept in an issue or PR body as `<!-- autoresearch:<name> {json} -->`, with the
 * app's MAC as the JSON's `mac` member. "--" may not appear inside an HTML comment, and JSON
 * never needs a literal "-->": every "--" is written as "-\u002d".
 */
export function hiddenBlock<S extends z.ZodType>(name: string, schema: S): HiddenBlock<z.infer<S>> {
  const re = new RegExp(`<!-- autoresearch:${name} (\\{.*?\\}) -->`, "s");
  const render = (value: z.infer<S>, mac: string | null) => {
    const json = JSON.stringify(mac === null ? value : { ...(value as object), mac });
    return `<!-- autoresearch:${name} ${json.replaceAll("--", "-\\u002d")} -->`;
  };
  return {
    render,
    read(body) {
      const match = body ? re.exec(body) : null;
      if (!match) return null;
      let json: unknown;
      try {
        json = JSON.parse(match[1]);
      } catch {
        return null;
      }
      if (typeof json !== "object" || json === null || Array.isArray(json)) return null;
      const { mac, ...payload } = json as Record<string, unknown>;
      const parsed = schema.safeParse(payload);
      if (!parsed.success) return null;
      return { value: parsed.data, payload, mac: typeof mac === "string" ? mac : null };
    },
    replace(body, value, mac) {
      const block = render(value, mac);
      return re.test(body) ? body.replace(re, () => block) : `${body.trimEnd()}\n\n${block}\n`;
    },
  };
}
