import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/core/config.js";
import { renderConfigProblems } from "../../src/views/config-problems.js";

describe("renderConfigProblems", () => {
  it("lists each problem by key with what the key is for", () => {
    const parsed = parseConfig({
      concurency: 2,
      allowedPaths: ["src/*.py"],
      policy: { minImprovement: -1 },
      labels: 3,
    });
    if (parsed.ok) throw new Error("expected problems");
    expect(
      renderConfigProblems({ path: ".github/autoresearch.yml", problems: parsed.problems }),
    ).toMatchInlineSnapshot(`
        "## Action required: fix <code>.github/autoresearch.yml</code>

        autoresearch-bot could not use its settings in <code>.github/autoresearch.yml</code> on the default branch. Fix the problems below and push the file.

        - **<code>allowedPaths.0</code>**: must be a plain repo path: globs are not supported
          The only files an experiment may change (exact repo paths). A PR touching anything else is closed untrained. Leave it out to use the default, ["train.py"].
        - **<code>policy.minImprovement</code>**: Too small: expected number to be &gt;=0
          How much lower val_bpb must be than the best for a change to be kept. Leave it out to use the default, 0.
        - **<code>labels</code>**: Invalid input: expected object, received number
          Label names the app uses.
        - **<code>concurency</code>**: unknown key: did you mean concurrency?

        Every key is optional and takes its default when left out; unknown keys are errors so that a typo is never silently ignored. All keys, types and defaults: [configuration reference](https://github.com/autoresearch-bot/autoresearch-bot/blob/main/docs/config.md).
        "
      `);
  });

  it("handles a file that is not a mapping, with a custom docs link", () => {
    const parsed = parseConfig("concurrency 2");
    if (parsed.ok) throw new Error("expected problems");
    const body = renderConfigProblems({ problems: parsed.problems, docsUrl: "https://x/config" });
    expect(body).toContain("Fix the problem below");
    expect(body).toContain("- **the file**: the file must be a YAML mapping of keys to values\n");
    expect(body).toContain("[configuration reference](https://x/config)");
  });
});
