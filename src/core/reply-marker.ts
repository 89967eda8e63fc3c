/**
 * The hidden line the app ends each command reply with, naming the comment it
 * answers: the app checks it so a redelivered command is answered once, and the
 * CLI finds the app's answer by it.
 */
export function replyMarker(commentId: number): string {
  return `<!-- autoresearch:reply-to ${commentId} -->`;
}

const TRAILING_MARKER = /\n*<!-- autoresearch:reply-to (\d+) -->\s*$/;

/** The comment id a reply answers and its text without the marker; null when it is no reply. */
export function readReply(body: string): { to: number; text: string } | null {
  const match = TRAILING_MARKER.exec(body);
  return match ? { to: Number(match[1]), text: body.slice(0, match.index) } : null;
}
