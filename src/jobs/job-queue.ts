/**
 * The durable job queue: pg-boss on the same PostgreSQL. Jobs are enqueued in the same transaction
 * as their image row; a job whose process died comes back after its heartbeat lapses (~11 s with
 * the supervise/monitor loops at 1 s, see stack-notes); failures retry with exponential backoff.
 */
import { PgBoss, type Job } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import type { Logger } from '../logger.ts';

export const PROCESS_IMAGE_QUEUE = 'process-image';
export const PROCESS_RETRY_LIMIT = 4;
export const DEAD_IMAGE_QUEUE = 'process-image-dead';

export interface ProcessImageJob {
  imageId: string;
  /** Set for a rerun of a ready image within a reprocess run. */
  runId?: string;
  /** Set when a ready image's focal point moved: only its cover crops are made again. */
  recrop?: boolean;
}

/** Reruns yield to new uploads: a collection's reprocessing never delays a fresh image. */
const RERUN_PRIORITY = -1;
/** One attempt at a webhook delivery; its retries are scheduled by the handler (as new jobs), not by pg-boss. */
export const WEBHOOK_DELIVERY_QUEUE = 'deliver-webhook';

export interface WebhookDeliveryJob {
  deliveryId: string;
  /**
   * The delivery's next_attempt_at this attempt was scheduled for (ISO): a job run twice (its worker
   * died after the attempt was recorded) finds it moved on and does nothing. null: a re-send by
   * hand, one attempt with no retries of its own.
   */
  due: string | null;
}

export interface JobQueueOptions {
  /** Upper bound for one attempt; the heartbeat notices dead workers long before. */
  jobTimeoutMs: number;
  /** Runs supervision (expiry, retries): only processes that take jobs need it. */
  supervise: boolean;
}

export class JobQueue {
  readonly boss: PgBoss;

  constructor(
    databaseUrl: string,
    private readonly options: JobQueueOptions,
    private readonly logger: Logger,
  ) {
    this.boss = new PgBoss({
      connectionString: databaseUrl,
      schema: 'pgboss',
      max: 4,
      application_name: 'optimage-jobs',
      useListenNotify: true,
      supervise: options.supervise,
      schedule: false,
      superviseIntervalSeconds: 1,
      monitorIntervalSeconds: 1,
    });
    this.boss.on('error', (err) => this.logger.error({ err }, 'job queue error'));
  }

  async start(): Promise<void> {
    await this.boss.start();
    // Jobs that exhaust their retries without the handler seeing the last failure (the worker died,
    // or the job expired) land here, so their image never stays `processing` forever.
    await this.ensureQueue(DEAD_IMAGE_QUEUE, { retryLimit: 3, retryDelay: 5, notify: true });
    await this.ensureQueue(PROCESS_IMAGE_QUEUE, {
      deadLetter: DEAD_IMAGE_QUEUE,
      retryLimit: PROCESS_RETRY_LIMIT,
      retryDelay: 1,
      retryBackoff: true,
      retryDelayMax: 30,
      expireInSeconds: Math.ceil(this.options.jobTimeoutMs / 1000) + 30,
      heartbeatSeconds: 10,
      notify: true,
    });
    // pg-boss retries here only cover a worker that died or a database error mid-attempt; the
    // contract's schedule (an HTTP failure) is kept by the delivery handler itself.
    await this.ensureQueue(WEBHOOK_DELIVERY_QUEUE, { retryLimit: 10, retryDelay: 5, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 120, heartbeatSeconds: 10, notify: true });
  }

  private async ensureQueue(name: string, options: Parameters<PgBoss['createQueue']>[1]): Promise<void> {
    if (await this.boss.getQueue(name)) {
      await this.boss.updateQueue(name, options);
      return;
    }
    await this.boss.createQueue(name, options).catch(async (err: unknown) => {
      // another process created it first
      if (!(await this.boss.getQueue(name))) throw err;
    });
  }

  /** Enqueues inside the caller's TypeORM transaction: rolled back together, committed together. */
  async enqueue(tx: EntityManager, job: ProcessImageJob): Promise<string> {
    return this.sendIn(tx, PROCESS_IMAGE_QUEUE, job);
  }

  /** A webhook delivery attempt, in the caller's transaction; `startAfter` for a scheduled retry. */
  async enqueueWebhookDelivery(tx: EntityManager, job: WebhookDeliveryJob, startAfter?: Date): Promise<string> {
    return this.sendIn(tx, WEBHOOK_DELIVERY_QUEUE, job, startAfter ? { startAfter } : {});
  }

  private async sendIn(tx: EntityManager, queue: string, data: object, options: { startAfter?: Date } = {}): Promise<string> {
    const runner = tx.queryRunner!;
    const db = {
      executeSql: async (text: string, values?: unknown[]) => ({ rows: (await runner.query(text, values, true)).records as unknown[] }),
    };
    const id = await this.boss.send(queue, data, { ...options, db });
    if (!id) throw new Error('job queue refused the job');
    return id;
  }

  /** Enqueues many jobs inside the caller's transaction, in one statement (a reprocess run's reruns). */
  async enqueueMany(tx: EntityManager, jobs: ProcessImageJob[]): Promise<void> {
    if (!jobs.length) return;
    const runner = tx.queryRunner!;
    const db = {
      executeSql: async (text: string, values?: unknown[]) => ({ rows: (await runner.query(text, values, true)).records as unknown[] }),
    };
    await this.boss.insert(PROCESS_IMAGE_QUEUE, jobs.map((data) => ({ data, priority: data.runId ? RERUN_PRIORITY : 0 })), { db });
  }

  /** Takes webhook delivery attempts, `concurrency` at a time in this process (scheduled retries are found by the 1 s poll). */
  async workWebhookDeliveries(concurrency: number, handler: (job: Job<WebhookDeliveryJob>) => Promise<void>): Promise<void> {
    const options = { localConcurrency: concurrency, batchSize: 1, heartbeatRefreshSeconds: 3, pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 };
    await this.boss.work<WebhookDeliveryJob>(WEBHOOK_DELIVERY_QUEUE, options, async ([job]) => {
      if (job) await handler(job);
    });
  }

  async stopWebhookDeliveries(): Promise<void> {
    await this.boss.offWork(WEBHOOK_DELIVERY_QUEUE, { wait: true }).catch((err: unknown) => this.logger.warn({ err }, 'offWork failed'));
  }

  /** Takes jobs, `concurrency` at a time in this process. */
  async work(concurrency: number, handler: (job: Job<ProcessImageJob>) => Promise<void>): Promise<void> {
    await this.boss.work<ProcessImageJob>(
      PROCESS_IMAGE_QUEUE,
      {
        localConcurrency: concurrency,
        batchSize: 1,
        heartbeatRefreshSeconds: 3,
        // New jobs arrive by NOTIFY within milliseconds; retries and jobs of dead workers become due
        // without a NOTIFY, so a 1 s backstop poll picks them up (the default would wait much longer).
        pollingIntervalSeconds: 1,
        notifyPollingIntervalSeconds: 1,
      },
      async ([job]) => {
        if (job) await handler(job);
      },
    );
  }

  /** Handles jobs that failed for good without their handler finishing them. */
  async workDeadLetters(handler: (job: Job<ProcessImageJob>) => Promise<void>): Promise<void> {
    await this.boss.work<ProcessImageJob>(DEAD_IMAGE_QUEUE, { batchSize: 1, pollingIntervalSeconds: 5 }, async ([job]) => {
      if (job) await handler(job);
    });
  }

  /** Jobs per queue and state, and the oldest job that could run but waits, per queue (for metrics). */
  async stats(): Promise<{ counts: { queue: string; state: string; jobs: number }[]; oldestWaiting: { queue: string; seconds: number }[] }> {
    const db = this.boss.getDb();
    const counts = await db.executeSql('SELECT name AS queue, state::text AS state, count(*)::int AS jobs FROM pgboss.job GROUP BY 1, 2 ORDER BY 1, 2');
    const oldest = await db.executeSql(
      "SELECT name AS queue, extract(epoch FROM now() - min(start_after))::float AS seconds FROM pgboss.job WHERE state IN ('created', 'retry') AND start_after <= now() GROUP BY 1",
    );
    return { counts: counts.rows as { queue: string; state: string; jobs: number }[], oldestWaiting: oldest.rows as { queue: string; seconds: number }[] };
  }

  /** Stops taking new jobs here and waits for the running ones to finish. */
  async stopWorking(): Promise<void> {
    for (const name of [PROCESS_IMAGE_QUEUE, DEAD_IMAGE_QUEUE]) {
      await this.boss.offWork(name, { wait: true }).catch((err: unknown) => this.logger.warn({ err }, 'offWork failed'));
    }
  }

  async stop(): Promise<void> {
    // within main.ts's forced exit (55 s), itself within compose's stop_grace_period (60 s)
    await this.boss.stop({ graceful: true, timeout: 45_000, close: true });
  }
}
