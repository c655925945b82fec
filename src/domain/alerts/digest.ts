/**
 * What tells a re-sent Alertmanager snapshot from a new one: a digest of its bytes.
 * SHA-256 over the SHA-256 of each DIGEST_PIECE_BYTES piece, so that an 8 MB body's can be
 * taken a piece at a time on the thread pool while it arrives (src/http/routes/alerts.ts),
 * and the same bytes always give the same digest however they were cut in transit.
 */
import { createHash } from 'node:crypto';

export const DIGEST_PIECE_BYTES = 1024 * 1024;

/** The digest from the pieces' own SHA-256 digests, in order. */
export function combineDigests(pieces: readonly (ArrayBuffer | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const piece of pieces) hash.update(piece instanceof Uint8Array ? piece : new Uint8Array(piece));
  return hash.digest('hex');
}

/** The digest of a whole body at once. */
export function bodyDigest(body: Uint8Array): string {
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < body.length || at === 0; at += DIGEST_PIECE_BYTES)
    pieces.push(createHash('sha256').update(body.subarray(at, at + DIGEST_PIECE_BYTES)).digest());
  return combineDigests(pieces);
}
