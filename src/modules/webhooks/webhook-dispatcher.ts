/**
 * Deliveries of image events to webhooks. When an image becomes ready or failed, one delivery per
 * subscribed webhook is written and its first attempt enqueued in that same transaction (so an
 * event is never lost, nor sent for a transition that rolled back). Each attempt is a job: it POSTs
 * with no lock held, then records the attempt and — on failure — schedules the next job on the
 * retry schedule, in one transaction. At least once: a worker that dies mid-attempt has its job
 * come back, and receivers dedupe by the event id.
 */
import type { Job } from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../clock.ts';
import { newId } from '../../db/ids.ts';
import type { JobQueue, WebhookDeliveryJob } from '../../jobs/job-queue.ts';
import type { Logger } from '../../logger.ts';
import type { Image } from '../images/image.entity.ts';
import { nextRetryAt } from './retry-schedule.ts';
import { WebhookAttempt, WebhookDelivery, type DeliveryStatus } from './webhook-delivery.entity.ts';
import { eventBody, type WebhookEvent } from './webhook-events.ts';
import type { AttemptOutcome, WebhookSender } from './webhook-sender.ts';
import { Webhook } from './webhook.entity.ts';

/** The image as an event carries it: the REST representation (GET /api/v1/images/:id). */
export type DescribeImage = (image: Image) => unknown;

export class WebhookDispatcher {
  constructor(
    private readonly db: DataSource,
    private readonly queue: JobQueue,
    private readonly sender: WebhookSender,
    private readonly describeImage: DescribeImage,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** An ImageLifecycle settled listener: runs inside the activate/fail transaction. */
  readonly onImageSettled = async (tx: EntityManager, image: Image, status: 'ready' | 'failed'): Promise<void> => {
    const type: WebhookEvent = `image.${status}`;
    const hooks = await tx.createQueryBuilder(Webhook, 'w').where('w.team_id = :teamId AND :type = ANY(w.events)', { teamId: image.teamId, type }).getMany();
    if (!hooks.length) return;
    const at = this.clock.now();
    const eventId = newId('evt');
    const body = eventBody(type, eventId, at, this.describeImage(image));
    for (const hook of hooks) {
      const id = newId('dlv');
      await tx.insert(WebhookDelivery, { id, webhookId: hook.id, eventId, eventType: type, body, status: 'pending', attempts: 0, nextAttemptAt: at, createdAt: at });
      await this.queue.enqueueWebhookDelivery(tx, { deliveryId: id, due: at.toISOString() });
    }
  };

  /** One attempt (the job handler). */
  async attempt(job: Job<WebhookDeliveryJob>): Promise<void> {
    const { deliveryId, due } = job.data;
    const delivery = await this.db.getRepository(WebhookDelivery).findOne({ where: { id: deliveryId }, relations: { webhook: true } });
    if (!delivery?.webhook) return; // its webhook was deleted
    if (due !== null && !isDue(delivery, due)) return; // delivered by a re-send, given up, or this job already ran
    const startedAt = this.clock.now();
    const outcome = await this.sender.send(delivery.webhook.url, delivery.body, delivery.webhook.secret, delivery.eventId, startedAt);
    const next = await this.record(delivery, due, startedAt, outcome);
    const log = this.logger.child({ webhookId: delivery.webhookId, deliveryId, eventId: delivery.eventId });
    if (outcome.ok) log.info({ statusCode: outcome.statusCode, ms: outcome.durationMs }, 'webhook delivered');
    else log.warn({ statusCode: outcome.statusCode, error: outcome.error, nextRetryAt: next }, 'webhook delivery failed');
  }

  /** Records the attempt and, for a scheduled one that failed, schedules the next; returns its time. */
  private async record(delivery: WebhookDelivery, due: string | null, startedAt: Date, outcome: AttemptOutcome): Promise<Date | null> {
    return this.db.transaction(async (tx) => {
      const [row] = (await tx.query('SELECT status, attempts, next_attempt_at FROM webhook_deliveries WHERE id = $1 FOR UPDATE', [delivery.id])) as { status: DeliveryStatus; attempts: number; next_attempt_at: Date | null }[];
      if (!row) return null;
      const attempt = row.attempts + 1;
      const scheduled = due !== null && row.status === 'pending' && row.next_attempt_at?.getTime() === Date.parse(due);
      let status = row.status;
      let next: Date | null = null;
      if (outcome.ok) status = 'delivered';
      else if (scheduled) {
        next = nextRetryAt(delivery.createdAt, attempt, this.clock.now());
        status = next ? 'pending' : 'failed';
      }
      const { statusCode, error, durationMs } = outcome;
      await tx.insert(WebhookAttempt, { id: newId('att'), deliveryId: delivery.id, webhookId: delivery.webhookId, attempt, manual: due === null, startedAt, durationMs, statusCode, error, nextRetryAt: next });
      const nextAttemptAt = status !== 'pending' ? null : scheduled ? next : row.next_attempt_at;
      await tx.update(WebhookDelivery, { id: delivery.id }, { attempts: attempt, status, nextAttemptAt });
      if (next) await this.queue.enqueueWebhookDelivery(tx, { deliveryId: delivery.id, due: next.toISOString() }, next);
      return next;
    });
  }
}

function isDue(delivery: WebhookDelivery, due: string): boolean {
  return delivery.status === 'pending' && delivery.nextAttemptAt?.getTime() === Date.parse(due);
}
