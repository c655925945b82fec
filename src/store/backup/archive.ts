/**
 * The portable backup: gzip-compressed JSON Lines, readable by either database and by
 * people (`zcat FILE | head`). A header names the migrations the data was written under; each
 * table is a line naming its columns and then lines of rows; a last line counts every
 * table's rows, so a file cut short is refused rather than restored in part.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import type { Dialect } from '../migrations/index.js';

export const ARCHIVE_FORMAT = 'incident-command-backup';

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  version: 1;
  dialect: Dialect;
  takenAt: string;
  migrations: string[];
}

export interface ArchiveTable {
  name: string;
  columns: string[];
  rows: AsyncIterable<unknown[][]>;
}

/** Bytes (PostgreSQL bytea, SQLite blob) survive JSON as base64. */
function encode(value: unknown): unknown {
  return Buffer.isBuffer(value) ? { $bytes: value.toString('base64') } : value;
}

function decode(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && '$bytes' in value) return Buffer.from(String((value as { $bytes: unknown }).$bytes), 'base64');
  return value;
}

export class ArchiveWriter {
  private readonly gzip = createGzip();
  private readonly done: Promise<void>;
  private readonly counts: Record<string, number> = {};

  constructor(file: string, header: ArchiveHeader) {
    this.done = pipeline(this.gzip, createWriteStream(file, { mode: 0o600 }));
    this.line(header);
  }

  async table(name: string, columns: string[], rows: AsyncIterable<unknown[][]>): Promise<number> {
    await this.line({ table: name, columns });
    let count = 0;
    for await (const batch of rows) {
      count += batch.length;
      await this.line({ rows: batch.map((row) => row.map(encode)) });
    }
    this.counts[name] = count;
    return count;
  }

  async finish(): Promise<void> {
    await this.line({ end: { tables: this.counts } });
    this.gzip.end();
    await this.done;
  }

  private async line(value: unknown): Promise<void> {
    if (!this.gzip.write(`${JSON.stringify(value)}\n`)) await once(this.gzip, 'drain');
  }
}

export class ArchiveError extends Error {}

/** Reads an archive: its header, then each table with its rows streamed; the row counts are checked at the end. */
export async function readArchive(file: string, onHeader: (header: ArchiveHeader) => Promise<void>, onTable: (table: ArchiveTable) => Promise<void>): Promise<void> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown> | null> => {
    let item: IteratorResult<string>;
    try {
      item = await lines.next();
    } catch (error) {
      throw new ArchiveError(`${file} is damaged or cut short: ${(error as Error).message}`);
    }
    const { value, done } = item;
    if (done) return null;
    try {
      return JSON.parse(value) as Record<string, unknown>;
    } catch {
      throw new ArchiveError(`${file} is damaged: a line is not JSON`);
    }
  };
  const header = await next();
  if (header?.format !== ARCHIVE_FORMAT || header.version !== 1) throw new ArchiveError(`${file} is not an Incident Command backup`);
  await onHeader(header as unknown as ArchiveHeader);
  const counts: Record<string, number> = {};
  let line = await next();
  while (line && 'table' in line) {
    const name = String(line.table);
    const columns = line.columns as string[];
    counts[name] = 0;
    let pending: Record<string, unknown> | null = null;
    const rows = async function* () {
      for (;;) {
        const item = await next();
        if (!item || !('rows' in item)) {
          pending = item;
          return;
        }
        const batch = (item.rows as unknown[][]).map((row) => row.map(decode));
        counts[name]! += batch.length;
        yield batch;
      }
    };
    await onTable({ name, columns, rows: rows() });
    line = pending;
  }
  const end = line?.end as { tables?: Record<string, number> } | undefined;
  if (!end?.tables) throw new ArchiveError(`${file} is cut short: it ends before its last line`);
  for (const [name, count] of Object.entries(end.tables))
    if (counts[name] !== count) throw new ArchiveError(`${file} is damaged: table ${name} should hold ${count} rows, it holds ${counts[name] ?? 0}`);
}
