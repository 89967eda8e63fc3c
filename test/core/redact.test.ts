import { describe, expect, it } from "vitest";
import {
  createStreamRedactor,
  isSecretName,
  redactText,
  secretValues,
} from "../../src/core/redact.js";

describe("isSecretName", () => {
  it.each([
    ["HF_TOKEN", true],
    ["wandb_api_key", true],
    ["AWS_SECRET_ACCESS_KEY", true],
    ["DB_PASSWORD", true],
    ["ACTIONS_RUNTIME_TOKEN", true],
    ["PATH", false],
    ["CUDA_VISIBLE_DEVICES", false],
    ["HOME", false],
  ])("%s → %s", (name, secret) => {
    expect(isSecretName(name)).toBe(secret);
  });
});

describe("secretValues", () => {
  it("takes secret-named values and extra ones, long enough to matter, longest first", () => {
    expect(
      secretValues(
        {
          HF_TOKEN: "hf_abcdefgh",
          MY_KEY: "short",
          USE_TOKEN_CACHE: "true",
          PASSWORD_MASK: "******",
          PATH: "/usr/bin:/bin",
          OTHER_SECRET: "hf_abcdefgh",
          EMPTY_KEY: undefined,
        },
        ["  extra-value-123 ", ""],
      ),
    ).toEqual(["extra-value-123", "hf_abcdefgh"]);
  });
});

describe("redactText", () => {
  it.each([
    ["token hf_abcdefgh in the middle", ["hf_abcdefgh"], "token *** in the middle"],
    ["twice: hf_abcdefghhf_abcdefgh", ["hf_abcdefgh"], "twice: ******"],
    [
      "prefix secret abcdef, longer abcdefghij",
      ["abcdef", "abcdefghij"],
      "prefix secret ***, longer ***",
    ],
    ["regex chars a.b*c+d?", ["a.b*c+d?"], "regex chars ***"],
    ["nothing to hide", [], "nothing to hide"],
  ])("%j", (text, secrets, expected) => {
    expect(redactText(text, secrets)).toBe(expected);
  });
});

describe("createStreamRedactor", () => {
  const stream = (chunks: string[], secrets: string[]) => {
    const redactor = createStreamRedactor(secrets);
    return chunks.map((c) => redactor.push(c)).join("") + redactor.end();
  };

  it.each([
    ["a secret cut across two chunks", ["log sk-12", "3456 end"], ["sk-123456"], "log *** end"],
    ["a secret cut across many one-char chunks", [..."a sk-123456 b"], ["sk-123456"], "a *** b"],
    [
      "a short secret that is the prefix of a longer one at a boundary",
      ["x abcdef", "ghij y"],
      ["abcdef", "abcdefghij"],
      "x *** y",
    ],
    ["no secret: text passes through", ["step 1\r", "step 2\r"], ["sk-123456"], "step 1\rstep 2\r"],
    ["no secrets at all", ["a", "b"], [], "ab"],
    ["a secret at the very end", ["done sk-1234", "56"], ["sk-123456"], "done ***"],
  ])("%s", (_label, chunks, secrets, expected) => {
    expect(stream(chunks, secrets)).toBe(expected);
  });

  it("gives the same text as redactText for every way of cutting it in two", () => {
    const text = "A sk-123456 B abcdefghij C abcdef D sk-123456";
    const secrets = ["sk-123456", "abcdef", "abcdefghij"];
    for (let cut = 0; cut <= text.length; cut++) {
      expect(stream([text.slice(0, cut), text.slice(cut)], secrets)).toBe(
        redactText(text, secrets),
      );
    }
  });
});
