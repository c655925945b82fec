/**
 * Making SQLite commits durable without holding the event loop: better-sqlite3 runs every
 * statement on the main thread, so at `synchronous = FULL` each commit waits there for the
 * disk (a few milliseconds, far more on a busy disk), and nothing else — no request, no
 * other transaction — runs meanwhile. A transaction committed at `synchronous = NORMAL`
 * writes its WAL frames without syncing; syncing the WAL file afterwards, in libuv's thread
 * pool, makes it exactly as durable as FULL would have (the frames of every earlier commit
 * with it: the WAL is append-only, and a checkpoint syncs before it reuses the file). Commits
 * that ask while a sync is under way share the next one.
 *
 * The file is opened once and kept open for the life of the database: closing any
 * descriptor of a file drops the process's POSIX locks on it, and SQLite deletes the WAL
 * only when its last connection closes.
 */
import { open, type FileHandle } from 'node:fs/promises';

export class WalSync {
  private handle: Promise<FileHandle> | null = null;
  private running: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  /** Syncs done, and commits that waited for one (for the bench and tests: how much sharing happened). */
  readonly counts = { syncs: 0, waits: 0 };

  constructor(private readonly path: string) {}

  /** Resolves once everything committed before the call is on disk. */
  sync(): Promise<void> {
    this.counts.waits++;
    if (!this.running) return (this.running = this.run());
    // The one under way may have started before the caller's commit: the one after it covers it.
    this.next ??= this.running.then(
      () => this.afterRunning(),
      () => this.afterRunning(),
    );
    return this.next;
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = null;
    await this.running?.catch(() => undefined);
    await this.next?.catch(() => undefined);
    if (handle) await (await handle).close();
  }

  private afterRunning(): Promise<void> {
    this.next = null;
    return (this.running = this.run());
  }

  private file(): Promise<FileHandle> {
    // A failed open is tried again by the next sync; an open file is kept (see above).
    this.handle ??= open(this.path, 'r+').catch((error: unknown) => {
      this.handle = null;
      throw error;
    });
    return this.handle;
  }

  private async run(): Promise<void> {
    try {
      await (await this.file()).datasync();
      this.counts.syncs++;
    } finally {
      this.running = null;
    }
  }
}
