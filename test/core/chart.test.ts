import { describe, expect, it } from "vitest";
import { renderProgressSvg } from "../../src/core/chart.js";
import type { LedgerRow, LedgerStatus } from "../../src/core/results-tsv.js";

function row(status: LedgerStatus, valBpb: number, description: string): LedgerRow {
  const crashed = status === "crash";
  return {
    commit: "a1b2c3d",
    valBpb: crashed ? 0 : valBpb,
    memoryGb: crashed ? 0 : 44,
    status,
    description,
  };
}

/** The 4-row example of AUTORESEARCH.md. */
const example: LedgerRow[] = [
  row("keep", 0.9979, "baseline"),
  row("keep", 0.9932, "increase LR to 0.04"),
  row("discard", 1.005, "switch to GeLU activation"),
  row("crash", 0, "double model width (OOM)"),
];

/** Fails unless `svg` is well-formed XML with an <svg> root: balanced tags, quoted attributes, escaped text. */
function expectWellFormed(svg: string): void {
  const stack: string[] = [];
  const entity = /&(?:amp|lt|gt|quot|apos);/g;
  for (const token of svg.trim().split(/(<[^>]*>)/)) {
    if (!token.startsWith("<")) {
      expect(token.replace(entity, ""), token).not.toMatch(/[<>&]/);
      if (stack.length === 0) expect(token.trim()).toBe("");
      continue;
    }
    const tag = /^<(\/?)([a-z]+)((?:\s+[A-Za-z][A-Za-z0-9:-]*="[^"<>]*")*)\s*(\/?)>$/.exec(token);
    expect(tag, token).not.toBeNull();
    const [, closing, name, attributes, selfClosing] = tag!;
    expect(attributes.replace(entity, ""), token).not.toMatch(/&/);
    if (stack.length === 0) expect(name).toBe("svg");
    if (closing) expect(stack.pop()).toBe(name);
    else if (!selfClosing) stack.push(name);
  }
  expect(stack).toEqual([]);
}

function group(svg: string, id: string): string {
  const match = new RegExp(`<g id="${id}"[^>]*>\\n([\\s\\S]*?)\\n</g>`).exec(svg);
  return match ? match[1] : "";
}

function circles(svg: string, id: string): { cx: number; cy: number }[] {
  return [...group(svg, id).matchAll(/<circle cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => ({
    cx: Number(m[1]),
    cy: Number(m[2]),
  }));
}

function runningBest(svg: string): { op: string; args: number[] }[] {
  const d = /<path id="running-best" d="([^"]*)"/.exec(svg)![1];
  return [...d.matchAll(/([MHV])([\d.]+)(?: ([\d.]+))?/g)].map((m) => ({
    op: m[1],
    args: m.slice(2).filter(Boolean).map(Number),
  }));
}

describe("renderProgressSvg", () => {
  it("draws the AUTORESEARCH.md example", () => {
    const svg = renderProgressSvg(example);
    expectWellFormed(svg);
    expect(svg).toMatchInlineSnapshot(`
      "<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600" viewBox="0 0 1200 600" font-family="Helvetica, Arial, sans-serif" fill="#222222">
      <rect width="1200" height="600" fill="#ffffff"/>
      <text x="600" y="32" text-anchor="middle" font-size="18" font-weight="bold">Autoresearch Progress: 4 Experiments, 2 Kept Improvements</text>
      <g id="y-axis" font-size="12" text-anchor="end">
      <line x1="88" y1="474.8" x2="1176" y2="474.8" stroke="#e6e6e6"/>
      <text x="80" y="474.8" dy="4">0.9940</text>
      <line x1="88" y1="404.7" x2="1176" y2="404.7" stroke="#e6e6e6"/>
      <text x="80" y="404.7" dy="4">0.9960</text>
      <line x1="88" y1="334.6" x2="1176" y2="334.6" stroke="#e6e6e6"/>
      <text x="80" y="334.6" dy="4">0.9980</text>
      <line x1="88" y1="264.4" x2="1176" y2="264.4" stroke="#e6e6e6"/>
      <text x="80" y="264.4" dy="4">1.0000</text>
      <line x1="88" y1="194.3" x2="1176" y2="194.3" stroke="#e6e6e6"/>
      <text x="80" y="194.3" dy="4">1.0020</text>
      <line x1="88" y1="124.2" x2="1176" y2="124.2" stroke="#e6e6e6"/>
      <text x="80" y="124.2" dy="4">1.0040</text>
      <line x1="88" y1="56" x2="88" y2="536" stroke="#444444"/>
      <text x="22" y="296" transform="rotate(-90 22 296)" text-anchor="middle" font-size="14">Validation BPB (lower is better)</text>
      </g>
      <g id="x-axis" font-size="12" text-anchor="middle">
      <line x1="269.3" y1="536" x2="269.3" y2="541" stroke="#444444"/>
      <text x="269.3" y="556">0</text>
      <line x1="632" y1="536" x2="632" y2="541" stroke="#444444"/>
      <text x="632" y="556">1</text>
      <line x1="994.7" y1="536" x2="994.7" y2="541" stroke="#444444"/>
      <text x="994.7" y="556">2</text>
      <line x1="88" y1="536" x2="1176" y2="536" stroke="#444444"/>
      <text x="632" y="584" font-size="14">Experiment #</text>
      </g>
      <g id="discarded" fill="#b3b3b3" fill-opacity="0.8">
      <circle cx="994.7" cy="89.1" r="3"><title>#2 switch to GeLU activation: 1.005000 (discard)</title></circle>
      </g>
      <path id="running-best" d="M269.3 338.1H632V502.9H994.7" fill="none" stroke="#27ae60" stroke-width="2" stroke-opacity="0.8"/>
      <g id="kept" fill="#2ecc71" stroke="#1e8449" stroke-width="1">
      <circle cx="269.3" cy="338.1" r="6"><title>#0 baseline: 0.997900 (keep)</title></circle>
      <circle cx="632" cy="502.9" r="6"><title>#1 increase LR to 0.04: 0.993200 (keep)</title></circle>
      </g>
      <g id="labels" font-size="11" fill="#1a7a3a">
      <text x="276.3" y="331.1" text-anchor="start" transform="rotate(-30 276.3 331.1)">baseline</text>
      <text x="639" y="495.9" text-anchor="start" transform="rotate(-30 639 495.9)">increase LR to 0.04</text>
      </g>
      <g id="legend" font-size="12">
      <rect x="98" y="446" width="160" height="80" fill="#ffffff" fill-opacity="0.9" stroke="#cccccc" rx="4"/>
      <circle cx="116" cy="464" r="3" fill="#b3b3b3"/>
      <text x="132" y="468">Discarded</text>
      <circle cx="116" cy="484" r="6" fill="#2ecc71" stroke="#1e8449"/>
      <text x="132" y="488">Kept</text>
      <line x1="107" y1="504" x2="125" y2="504" stroke="#27ae60" stroke-width="2"/>
      <text x="132" y="508">Running best</text>
      </g>
      </svg>
      "
    `);
  });

  it("titles, labels the axes and has a legend", () => {
    const svg = renderProgressSvg(example);
    expect(svg).toContain(">Autoresearch Progress: 4 Experiments, 2 Kept Improvements</text>");
    expect(svg).toContain(">Experiment #</text>");
    expect(svg).toContain(">Validation BPB (lower is better)</text>");
    expect(group(svg, "legend")).toMatch(/Discarded[\s\S]*Kept[\s\S]*Running best/);
  });

  it("labels the y axis with about 5 ticks of 4 decimals", () => {
    const labels = [...group(renderProgressSvg(example), "y-axis").matchAll(/>(\d\.\d+)</g)].map(
      (m) => m[1],
    );
    expect(labels.length).toBeGreaterThanOrEqual(4);
    expect(labels.length).toBeLessThanOrEqual(8);
    for (const label of labels) expect(label).toMatch(/^\d\.\d{4}$/);
    expect(new Set(labels).size).toBe(labels.length);
  });

  it("escapes <, & and > in descriptions", () => {
    const svg = renderProgressSvg([
      row("keep", 0.99, "a<b & c>d"),
      row("discard", 0.995, `"quoted" & 'single' </g><script>`),
    ]);
    expectWellFormed(svg);
    expect(svg).toContain("a&lt;b &amp; c&gt;d");
    expect(svg).toContain("&quot;quoted&quot; &amp; &apos;single&apos; &lt;/g&gt;&lt;script&gt;");
    expect(svg).not.toContain("<script>");
  });

  it("leaves crashes out of the x axis but counts them in the title", () => {
    const rows = [
      row("keep", 1.0, "baseline"),
      row("crash", 0, "oom"),
      row("discard", 1.01, "worse"),
      row("crash", 0, "nan"),
      row("keep", 0.99, "better"),
    ];
    const svg = renderProgressSvg(rows);
    const withoutCrashes = renderProgressSvg(rows.filter((r) => r.status !== "crash"));
    expect(svg).toContain("Autoresearch Progress: 5 Experiments, 2 Kept Improvements");
    expect([...svg.matchAll(/<title>#(\d+) /g)].map((m) => Number(m[1])).sort()).toEqual([0, 1, 2]);
    expect([...group(svg, "x-axis").matchAll(/>(\d+)<\/text>/g)].map((m) => m[1])).toEqual([
      "0",
      "1",
      "2",
    ]);
    expect(circles(svg, "kept")).toEqual(circles(withoutCrashes, "kept"));
    expect(circles(svg, "discarded")).toEqual(circles(withoutCrashes, "discarded"));
    expect(svg).not.toContain("oom");
  });

  it("draws kept points larger and green, discarded ones small and grey", () => {
    const svg = renderProgressSvg(example);
    expect(svg).toMatch(/<g id="kept" fill="#2ecc71"[^>]*>\n<circle [^>]*r="6"/);
    expect(svg).toMatch(/<g id="discarded" fill="#b3b3b3"[^>]*>\n<circle [^>]*r="3"/);
    expect(circles(svg, "kept")).toHaveLength(2);
    expect(circles(svg, "discarded")).toHaveLength(1);
  });

  it("steps the running best through the kept points and never up", () => {
    const svg = renderProgressSvg([
      row("keep", 1.0, "baseline"),
      row("discard", 0.98, "better but discarded (seed only)"),
      row("keep", 0.995, "better"),
      row("keep", 0.997, "simpler, slightly worse"),
      row("crash", 0, "oom"),
      row("keep", 0.99, "better again"),
      row("discard", 1.1, "much worse"),
    ]);
    const path = runningBest(svg);
    const kept = circles(svg, "kept");
    expect(path[0]).toEqual({ op: "M", args: [kept[0].cx, kept[0].cy] });
    const drops = path.filter((p) => p.op === "V").map((p) => p.args[0]);
    expect(drops).toEqual([kept[1].cy, kept[3].cy]);
    let y = path[0].args[1];
    for (const drop of drops) {
      expect(drop).toBeGreaterThan(y);
      y = drop;
    }
    // Flat on to the last experiment, so the current best reads across the whole chart.
    expect(path.at(-1)!.op).toBe("H");
  });

  it("labels each kept point with its description, shortened to 28 characters", () => {
    const long = "replace the relu squared MLP with a gated SwiGLU of equal width";
    const svg = renderProgressSvg([row("keep", 1.0, "baseline"), row("keep", 0.99, long)]);
    const labels = [...group(svg, "labels").matchAll(/>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(["baseline", "replace the relu squared ML…"]);
    expect(Array.from(labels[1])).toHaveLength(28);
    expect(svg).toContain(`<title>#1 ${long}: 0.990000 (keep)</title>`);
  });

  it("turns labels so that neighbouring ones do not all overlap", () => {
    const rows = Array.from({ length: 12 }, (_, i) =>
      row("keep", 1 - i * 0.0001, `improvement number ${i}`),
    );
    const spots = [
      ...renderProgressSvg(rows).matchAll(/text-anchor="(start|end)" transform="rotate\((-?\d+) /g),
    ];
    expect(new Set(spots.map((m) => `${m[1]} ${m[2]}`)).size).toBeGreaterThan(1);
  });

  it("leaves labels out rather than stacking them when hundreds of points were kept", () => {
    const rows = Array.from({ length: 200 }, (_, i) =>
      row("keep", 1 - i * 0.0001, `improvement ${i}`),
    );
    const svg = renderProgressSvg(rows);
    const labels = [...group(svg, "labels").matchAll(/<text /g)].length;
    expect(labels).toBeGreaterThan(5);
    expect(labels).toBeLessThan(200);
    expect([...group(svg, "kept").matchAll(/<title>/g)]).toHaveLength(200);
  });

  it("clips a far-off discarded run to the top edge instead of squashing the chart", () => {
    const svg = renderProgressSvg([
      row("keep", 0.9979, "baseline"),
      row("discard", 3.5, "diverged but finished"),
      row("keep", 0.99, "better"),
    ]);
    const ticks = [...group(svg, "y-axis").matchAll(/>(\d\.\d+)</g)].map((m) => Number(m[1]));
    expect(Math.max(...ticks)).toBeLessThan(1.1);
    expect(group(svg, "discarded")).toMatch(
      /<path d="[^"]+"><title>#1 diverged but finished: 3.500000/,
    );
    expect(group(svg, "legend")).toContain("Discarded, off scale");
  });

  it("draws a single experiment and equal values without a zero-height axis", () => {
    for (const rows of [
      [row("keep", 0.9979, "baseline")],
      [row("keep", 0.99, "a"), row("discard", 0.99, "b")],
    ]) {
      const svg = renderProgressSvg(rows);
      expectWellFormed(svg);
      expect(svg).not.toMatch(/NaN|Infinity/);
      expect(circles(svg, "kept")).toHaveLength(1);
    }
  });

  it("is deterministic, with coordinates rounded to one decimal", () => {
    const svg = renderProgressSvg(example, { width: 997, height: 613 });
    expect(renderProgressSvg(example, { width: 997, height: 613 })).toBe(svg);
    expect(svg).toContain('viewBox="0 0 997 613"');
    const numbers = [...svg.matchAll(/(?:x|y|x1|x2|y1|y2|cx|cy|width|height)="(-?[\d.]+)"/g)].map(
      (m) => m[1],
    );
    expect(numbers.length).toBeGreaterThan(20);
    for (const value of numbers) expect(value).toMatch(/^-?\d+(\.\d)?$/);
  });

  it.each([
    [{ width: 100, height: 50 }, 'width="480" height="320"'],
    [{ width: Number.NaN }, 'width="1200" height="600"'],
    [{}, 'width="1200" height="600"'],
  ])("sizes the picture sensibly for %j", (opts, expected) => {
    expect(renderProgressSvg(example, opts)).toContain(expected);
  });

  it("says so when there are no experiments yet", () => {
    const svg = renderProgressSvg([]);
    expectWellFormed(svg);
    expect(svg).toContain(">No experiments yet</text>");
    expect(svg).toContain("Autoresearch Progress: 0 Experiments, 0 Kept Improvements");
  });

  it("says so when every experiment crashed", () => {
    const svg = renderProgressSvg([row("crash", 0, "oom"), row("crash", 0, "nan")]);
    expectWellFormed(svg);
    expect(svg).toContain("Autoresearch Progress: 2 Experiments, 0 Kept Improvements");
    expect(svg).toContain("every one crashed");
    expect(svg).not.toContain("<circle");
  });

  it("renders a 1,000-row ledger under 1 MB", () => {
    let best = 0.9979;
    const rows = Array.from({ length: 1000 }, (_, i): LedgerRow => {
      if (i % 17 === 5) return row("crash", 0, `crash ${i}`);
      const value = best + (((i * 7919) % 100) - 20) / 40000;
      if (value >= best) return row("discard", value, `idea ${i} that did not help`);
      best = value;
      return row("keep", value, `idea ${i} that helped a little`);
    });
    const svg = renderProgressSvg(rows);
    expect(svg.length).toBeLessThan(1_000_000);
    expectWellFormed(svg);
    const finished = rows.filter((r) => r.status !== "crash").length;
    expect(circles(svg, "kept").length + circles(svg, "discarded").length).toBe(finished);
  });
});
