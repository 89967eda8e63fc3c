import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { blobInVariant, gitBlobSha, variantId, variantPaths } from "../../src/core/variant-id.js";

describe("gitBlobSha", () => {
  it.each(["hello\n", "", "MATRIX_LR = 0.04  # lr → Muon\n", "a\r\nb"])(
    "agrees with git hash-object for %j",
    (content) => {
      const git = execFileSync("git", ["hash-object", "--stdin"], { input: content })
        .toString()
        .trim();
      expect(gitBlobSha(content)).toBe(git);
    },
  );
});

describe("variantId", () => {
  it("names each allowed path with its blob, sorted, - for a missing file", () => {
    expect(variantId({ "train.py": "aaa", "b c.py": null }, ["train.py", "b c.py"])).toBe(
      "b%20c.py:- train.py:aaa",
    );
    expect(variantId({ "train.py": "aaa" }, ["train.py"])).toBe("train.py:aaa");
  });

  it("reads back the blob and the paths", () => {
    const id = variantId({ "train.py": "aaa", "b c.py": null }, ["train.py", "b c.py"]);
    expect(blobInVariant(id, "train.py")).toBe("aaa");
    expect(blobInVariant(id, "b c.py")).toBeNull();
    expect(blobInVariant(id, "other.py")).toBeNull();
    expect(variantPaths(id)).toEqual(["b c.py", "train.py"]);
  });
});
