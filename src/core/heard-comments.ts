/**
 * PR comments that carry a result or verdict marker, as their signed `issue_comment` webhooks
 * described them: the pass that judges a finished training takes the result from here instead
 * of listing the PR's comments. Only the markers are kept (a few hundred bytes a comment), and
 * only the newest few comments of a PR. What was heard is a subset of the PR's comments, so it
 * is used only when it holds the expected run's accepted result (core/result-binding.ts judges
 * each marker the same way either way); otherwise the comments are listed.
 */
export interface HeardComment {
  id: number;
  author: string;
  /** The comment's result and verdict markers, as they appear in its body ("" when none). */
  markers: string;
  /** ISO time GitHub last changed the comment. */
  updatedAt: string;
}

/** Comments kept per PR: the action's comment and the app's verdicts of the last attempts. */
export const HEARD_COMMENTS_PER_PR = 8;

const MARKERS = [
  /<!-- autoresearch:result (\{.*?\}) -->/s,
  /<!-- autoresearch:verdict (\{.*?\}) -->/s,
];

/** The first result marker and the first verdict marker of a body, as they appear in it. */
export function markersOf(body: string | null | undefined): string {
  if (!body) return "";
  return MARKERS.flatMap((re) => re.exec(body)?.[0] ?? []).join("\n");
}

/**
 * What to remember after hearing a comment created or edited. An older description never
 * replaces a newer one (webhooks may arrive out of order); a comment whose markers are gone is
 * still kept, so an edit that removed a result is not undone by an earlier webhook.
 */
export function hearComment(
  known: readonly HeardComment[] | undefined,
  comment: HeardComment,
): HeardComment[] {
  const list = [...(known ?? [])];
  const at = list.findIndex((c) => c.id === comment.id);
  if (at >= 0) {
    if (Date.parse(comment.updatedAt) < Date.parse(list[at].updatedAt)) return list;
    list[at] = comment;
  } else if (comment.markers !== "") {
    list.push(comment);
  } else {
    // A comment with nothing to judge: only remembered once it carried a marker.
    return list;
  }
  // In the order GitHub lists comments (ids grow with creation), the newest few.
  return list.sort((a, b) => a.id - b.id).slice(-HEARD_COMMENTS_PER_PR);
}

/** What to remember after a comment was deleted. */
export function forgetComment(
  known: readonly HeardComment[] | undefined,
  id: number,
): HeardComment[] {
  return (known ?? []).filter((c) => c.id !== id);
}
