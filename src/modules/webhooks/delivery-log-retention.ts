/**
 * Keeps the webhook delivery log bounded (WEBHOOK_LOG_DAYS). A delivery goes, with all its attempts
 * (they cascade), once it is settled (delivered or failed), was created before the window and has no
 * attempt inside it — so the log never shows an attempt without its earlier ones, a re-send by hand
 * keeps its delivery another window, and a pending delivery stays whatever its age. Deleted in small
 * batches, each its own short statement; every processing node runs it on a timer (deletes are
 * idempotent, so nodes need no coordination).
 */
import type { DataSource } from 'typeorm';
import type { Clock } from '../../clock.ts';
import type { Logger } from '../../logger.ts';

const DAY_MS = 24 * 3600 * 1000;

export interface RetentionOptions {
  keepDays: number;
  /** Deliveries per DELETE statement. */
  batchSize: number;
  /** Statements per run: the rest waits for the next run. */
  maxBatches: number;
}

export class DeliveryLogRetention {
  constructor(
    private readonly db: DataSource,
    private readonly options: RetentionOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Deletes deliveries (and their attempts) past the window; returns how many deliveries went. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.clock.now().getTime() - this.options.keepDays * DAY_MS);
    let deleted = 0;
    for (let batch = 0; batch < this.options.maxBatches; batch++) {
      const [, count] = (await this.db.query(
        `DELETE FROM webhook_deliveries WHERE id IN (
           SELECT d.id FROM webhook_deliveries d
           WHERE d.status <> 'pending' AND d.created_at < $1
             AND NOT EXISTS (SELECT 1 FROM webhook_attempts a WHERE a.delivery_id = d.id AND a.started_at >= $1)
           LIMIT $2)`,
        [cutoff, this.options.batchSize],
      )) as [unknown, number];
      deleted += count;
      if (count < this.options.batchSize) break;
    }
    if (deleted) this.logger.info({ deliveries: deleted, keepDays: this.options.keepDays }, 'pruned the webhook delivery log');
    return deleted;
  }

  /** Prunes every `intervalMs` until the returned stop is called. */
  startPruning(intervalMs: number): () => Promise<void> {
    let running: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      running = this.prune().catch((err: unknown) => this.logger.warn({ err }, 'could not prune the webhook delivery log'));
    }, intervalMs);
    timer.unref();
    return async () => {
      clearInterval(timer);
      await running;
    };
  }
}
