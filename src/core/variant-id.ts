/**
 * The identity of a variant: what training would see in the allowed files, as git blob shas.
 * Two experiments with the same identity train the same code, whatever their descriptions say.
 */
import { createHash } from "node:crypto";

/** Git's blob sha of a text, as `git hash-object` and GitHub's contents/files APIs report it. */
export function gitBlobSha(content: string): string {
  const bytes = Buffer.from(content, "utf8");
  return createHash("sha1").update(`blob ${bytes.length}\0`).update(bytes).digest("hex");
}

/**
 * The `variant` a state block records: `path:sha` for each allowed path, sorted, space-separated
 * (`-` for a path that does not exist; paths URI-encoded, so a space in one cannot split it).
 * It names its paths, so ids made for different
 * allowed paths never compare equal.
 */
export function variantId(
  blobs: Readonly<Record<string, string | null>>,
  paths: readonly string[],
): string {
  return [...paths]
    .sort()
    .map((p) => `${encodeURIComponent(p)}:${blobs[p] ?? "-"}`)
    .join(" ");
}

/** The blob sha a variant id records for `path`, or null when it names no such path. */
export function blobInVariant(variant: string, path: string): string | null {
  for (const part of variant.split(" ")) {
    const colon = part.lastIndexOf(":");
    if (colon > 0 && part.slice(0, colon) === encodeURIComponent(path)) {
      const sha = part.slice(colon + 1);
      return sha === "-" ? null : sha;
    }
  }
  return null;
}

/** The paths a variant id names, sorted. */
export function variantPaths(variant: string): string[] {
  return variant
    .split(" ")
    .map((part) => part.slice(0, part.lastIndexOf(":")))
    .map((encoded) => {
      try {
        return decodeURIComponent(encoded);
      } catch {
        return encoded;
      }
    })
    .sort();
}
