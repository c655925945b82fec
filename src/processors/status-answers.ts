/**
 * A rendered status-page file and the three answers a GET of it gets (200, 200 gzip, 304),
 * built once per render so that serving one allocates nothing. Kept apart from the
 * publisher, which renders them, because the status page's own process
 * (src/http/status-server.ts) builds the same answers from the bytes it is sent and must
 * stay small: this module imports nothing.
 */

export interface StatusFile {
  /** The URL path it is served at. */
  path: string;
  body: Buffer;
  /** Present when compressing saves something worth a header. */
  gzip: Buffer | null;
  etag: string;
  /** When these bytes were first rendered, to the second (as Last-Modified says). */
  modifiedAt: number;
  /** Every header but content-length and content-encoding, computed once (a 304 sends these). */
  headers: Record<string, string>;
  /** The three answers a GET gets. */
  answers: { plain: StatusAnswer; gzip: StatusAnswer; notModified: StatusAnswer };
}

/** One answer to a GET of a rendered file. */
export interface StatusAnswer {
  status: 200 | 304;
  /** Including content-length and content-encoding. */
  headers: Record<string, string>;
  body: Buffer | null;
}

/** What a file is made of, as it travels to the status page's own process. */
export type StatusFileParts = Omit<StatusFile, 'answers'>;

export function statusFile(parts: StatusFileParts): StatusFile {
  const { body, gzip, headers } = parts;
  const plain: StatusAnswer = { status: 200, headers: { ...headers, 'content-length': String(body.length) }, body };
  const zipped: StatusAnswer = gzip ? { status: 200, headers: { ...headers, 'content-length': String(gzip.length), 'content-encoding': 'gzip' }, body: gzip } : plain;
  return { ...parts, answers: { plain, gzip: zipped, notModified: { status: 304, headers, body: null } } };
}
