/**
 * A large alert body taken in as it arrives (src/http/routes/alerts.ts), so that it is
 * ready to store almost as soon as its last byte is in: a DIGEST_PIECE_BYTES piece at a
 * time, each gzipped as its own member (concatenated members are one valid gzip file, read
 * back as one by src/commands/intake/bodies.ts) and, with `digesting`, digested
 * (src/domain/alerts/digest.ts), on the thread pool, side by side, while the rest arrives.
 * One gzip stream fed chunk by chunk waited a turn of the event loop for every 64 kB
 * (about 10 ms of an 8 MB answer here), and hashing 8 MB on the main thread held it for 9 ms.
 */
import { webcrypto } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { DIGEST_PIECE_BYTES, combineDigests } from '../domain/alerts/digest.js';
import type { GzippedBody } from '../processors/alert-inbox.js';

const compress = promisify(gzip);

export class ArrivingBody {
  private chunks: Buffer[] = [];
  private pending = 0;
  private bytes = 0;
  private readonly pieces: Promise<[Buffer, ArrayBuffer | null]>[] = [];

  constructor(private readonly digesting: boolean) {}

  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.pending += chunk.length;
    this.bytes += chunk.length;
    if (this.pending >= DIGEST_PIECE_BYTES) this.cut(false);
  }

  async end(): Promise<{ body: GzippedBody; digest: string | null }> {
    this.cut(true);
    const pieces = await Promise.all(this.pieces);
    return {
      body: { gzipped: Buffer.concat(pieces.map(([gzipped]) => gzipped)), bytes: this.bytes },
      digest: this.digesting ? combineDigests(pieces.map(([, digest]) => digest!)) : null,
    };
  }

  /** Cuts whole pieces off what has arrived, at fixed offsets so that the same bytes give the same digest; with `last`, the rest too. */
  private cut(last: boolean): void {
    let rest = Buffer.concat(this.chunks, this.pending);
    while (rest.length >= DIGEST_PIECE_BYTES || (last && rest.length > 0)) {
      const piece = rest.subarray(0, DIGEST_PIECE_BYTES);
      rest = rest.subarray(piece.length);
      const done = Promise.all([compress(piece, { level: 1 }), this.digesting ? webcrypto.subtle.digest('SHA-256', piece) : null]);
      // Observed here too: a body cut off early leaves its pieces unawaited.
      done.catch(() => undefined);
      this.pieces.push(done);
    }
    this.chunks = rest.length > 0 ? [rest] : [];
    this.pending = rest.length;
  }
}
