/**
 * The top-level hyperparameter constants of a train.py (`DEPTH = 8  # layers`),
 * read and rewritten as text so that everything else in the file stays byte-identical.
 */

export type ConstantKind = "int" | "float" | "pow2";

export interface TrainConstant {
  name: string;
  /** 1-based line number in the source. */
  line: number;
  /** The value exactly as written, e.g. `2**19`, `3e-4`, `1_000`. */
  raw: string;
  value: number;
  /** "pow2" when written as `2**k` or an int power of two >= 2. */
  kind: ConstantKind;
  /** Text of the trailing `# comment`, without the `#`; null when there is none. */
  comment: string | null;
}

const DIGITS = String.raw`\d(?:_?\d)*`;
const NUMBER = String.raw`(?:${DIGITS}(?:\.(?:${DIGITS})?)?|\.${DIGITS})(?:[eE][+-]?${DIGITS})?`;
const POWER = String.raw`2[ \t]*\*\*[ \t]*\d+`;
// Column 0 only: indented assignments belong to functions or classes, not to the config block.
const ASSIGNMENT = new RegExp(
  String.raw`^([A-Z][A-Z0-9_]*)([ \t]*=[ \t]*)(${POWER}|${NUMBER})([ \t]*)(#[^\r]*)?(\r?)$`,
);

interface LineMatch {
  name: string;
  /** Column where the value text starts. */
  start: number;
  raw: string;
  comment: string | null;
}

function matchLine(line: string): LineMatch | null {
  const m = ASSIGNMENT.exec(line);
  if (!m) return null;
  const [, name, equals, raw, , comment] = m;
  return {
    name,
    start: name.length + equals.length,
    raw,
    comment: comment === undefined ? null : comment.slice(1).trim(),
  };
}

export function parseValue(raw: string): { value: number; kind: ConstantKind } {
  const power = /^2\s*\*\*\s*(\d+)$/.exec(raw);
  if (power) return { value: 2 ** Number(power[1]), kind: "pow2" };
  const value = Number(raw.replaceAll("_", ""));
  if (/[.eE]/.test(raw)) return { value, kind: "float" };
  return { value, kind: isPowerOfTwo(value) ? "pow2" : "int" };
}

function isPowerOfTwo(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 2 && (value & (value - 1)) === 0;
}

/** Every numeric top-level `NAME = <number>` in source order; strings, tuples and expressions are skipped. */
export function readConstants(source: string): TrainConstant[] {
  const constants: TrainConstant[] = [];
  source.split("\n").forEach((text, index) => {
    const match = matchLine(text);
    if (!match) return;
    constants.push({
      name: match.name,
      line: index + 1,
      raw: match.raw,
      ...parseValue(match.raw),
      comment: match.comment,
    });
  });
  return constants;
}

/**
 * Rewrites the value text of `name`, leaving its comment and spacing alone.
 * A name assigned twice is rewritten where it is assigned last: that is the value
 * the rest of the module sees once it has loaded.
 */
export function setConstant(source: string, name: string, newRaw: string): string {
  const lines = source.split("\n");
  const index = lines.findLastIndex((text) => matchLine(text)?.name === name);
  if (index < 0) {
    throw new Error(
      `train.py has no top-level numeric constant ${name}: only lines like "${name} = 0.04" at column 0 can be rewritten`,
    );
  }
  const match = matchLine(lines[index])!;
  const end = match.start + match.raw.length;
  const rewritten = lines[index].slice(0, match.start) + newRaw + lines[index].slice(end);
  if (matchLine(rewritten)?.raw !== newRaw) {
    throw new Error(
      `"${newRaw}" is not a number train.py can hold for ${name}: use an int, a float, 3e-4, 1_000 or 2**k`,
    );
  }
  lines[index] = rewritten;
  return lines.join("\n");
}
