/**
 * The tus lock of an upload, shared by every API node: a lease on its resumable_uploads row.
 * @tus/server's default locker lives in one process, so a client resuming on another node while
 * the cut request still writes on the first would write the same bytes twice. Here a request takes
 * the row (lock_token, locked_until), renews the lease while it runs and frees it at the end; one
 * that waits marks release_requested, and the holder — on whichever node — sees it at its next
 * renewal and cancels its request (tus keeps the bytes received so far), as tus asks of a lock held
 * by a half-open connection. A node that died stops renewing and its lease lapses.
 */
import { randomUUID } from 'node:crypto';
import { ERRORS, type Lock, type Locker, type RequestRelease } from '@tus/utils';
import type { DataSource } from 'typeorm';

export interface UploadLockOptions {
  /** How long a lease lasts unless renewed. */
  leaseMs: number;
  /** How often the holder renews it and looks for a release request. */
  renewMs: number;
  /** How often a waiting request tries again. */
  pollMs: number;
  /** How long a request waits for the lock before tus gives up (ERR_LOCK_TIMEOUT). */
  acquireTimeoutMs: number;
}

export const UPLOAD_LOCK_DEFAULTS: UploadLockOptions = { leaseMs: 30_000, renewMs: 1000, pollMs: 100, acquireTimeoutMs: 30_000 };

export class UploadLocker implements Locker {
  constructor(
    private readonly db: DataSource,
    /** The upload id in a tus store key (null: not one of ours, nothing to lock). */
    private readonly uploadIdOf: (key: string) => string | null,
    private readonly options: UploadLockOptions = UPLOAD_LOCK_DEFAULTS,
  ) {}

  newLock(key: string): Lock {
    return new UploadLock(this.db, this.uploadIdOf(key), this.options);
  }
}

class UploadLock implements Lock {
  private readonly token = randomUUID();
  private renewal: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: DataSource,
    private readonly uploadId: string | null,
    private readonly options: UploadLockOptions,
  ) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease): Promise<void> {
    if (!this.uploadId) return;
    const deadline = Date.now() + this.options.acquireTimeoutMs;
    while (!(await this.tryTake())) {
      if (signal.aborted || Date.now() > deadline) throw ERRORS.ERR_LOCK_TIMEOUT;
      await new Promise((resolve) => setTimeout(resolve, this.options.pollMs));
    }
    this.renewal = setInterval(() => void this.renew(requestRelease), this.options.renewMs);
    this.renewal.unref();
  }

  async unlock(): Promise<void> {
    clearInterval(this.renewal);
    if (!this.uploadId) return;
    await this.db.query(`UPDATE resumable_uploads SET lock_token = NULL, locked_until = NULL, release_requested = false WHERE id = $1 AND lock_token = $2`, [this.uploadId, this.token]);
  }

  /** Takes the row when free or its lease lapsed; else asks its holder to let go. True when taken (or no row: nothing to guard). */
  private async tryTake(): Promise<boolean> {
    const [state] = (await this.db.query(
      `WITH taken AS (
         UPDATE resumable_uploads SET lock_token = $2, locked_until = now() + make_interval(secs => $3), release_requested = false
         WHERE id = $1 AND (lock_token IS NULL OR locked_until < now()) RETURNING id)
       SELECT (SELECT count(*) FROM taken)::int AS taken, (SELECT count(*) FROM resumable_uploads WHERE id = $1)::int AS present`,
      [this.uploadId, this.token, this.options.leaseMs / 1000],
    )) as [{ taken: number; present: number }];
    if (state.taken || !state.present) return true;
    await this.db.query(`UPDATE resumable_uploads SET release_requested = true WHERE id = $1 AND lock_token IS NOT NULL AND lock_token <> $2`, [this.uploadId, this.token]);
    return false;
  }

  private async renew(requestRelease: RequestRelease): Promise<void> {
    let renewed: { release_requested: boolean }[];
    try {
      [renewed] = (await this.db.query(
        `UPDATE resumable_uploads SET locked_until = now() + make_interval(secs => $3) WHERE id = $1 AND lock_token = $2 RETURNING release_requested`,
        [this.uploadId, this.token, this.options.leaseMs / 1000],
      )) as [{ release_requested: boolean }[], number];
    } catch {
      return; // the database is away for a moment: the next tick tries again, the lease outlasts many
    }
    if (renewed[0]?.release_requested) await requestRelease();
  }
}
