/**
 * Webhooks a user registers (contract §8): create (the URL checked against private networks, the
 * secret returned once), list, delete, the delivery log, and a re-send by hand. Deliveries
 * themselves are WebhookDispatcher's.
 */
import { In, type DataSource, type Repository } from 'typeorm';
import type { Actor } from '../../auth/actor.ts';
import { assertCan, can } from '../teams/policy.ts';
import { newId } from '../../db/ids.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../errors.ts';
import type { JobQueue } from '../../jobs/job-queue.ts';
import { BlockedAddressError, resolveTarget, type HostLookup } from './webhook-address.ts';
import { WebhookAttempt, WebhookDelivery } from './webhook-delivery.entity.ts';
import { isWebhookEvent, WEBHOOK_EVENTS, type WebhookEvent } from './webhook-events.ts';
import { newWebhookSecret } from './webhook-signature.ts';
import { Webhook } from './webhook.entity.ts';

export const MAX_WEBHOOKS_PER_USER = 20;
const MAX_URL_CHARS = 2048;
export const MAX_LOG_ENTRIES = 100;

/** An attempt as the delivery log lists it: with its event and where its delivery stands. */
export type LoggedAttempt = WebhookAttempt & { eventId: string; eventType: WebhookEvent; deliveryStatus: WebhookDelivery['status'] };

export interface TargetPolicy {
  allowPrivate: boolean;
  lookup: HostLookup;
}

export class WebhooksService {
  private readonly hooks: Repository<Webhook>;

  constructor(
    private readonly db: DataSource,
    private readonly queue: JobQueue,
    private readonly target: TargetPolicy,
  ) {
    this.hooks = db.getRepository(Webhook);
  }

  async create(actor: Actor, input: { url: string; events: readonly string[] }): Promise<{ webhook: Webhook; secret: string }> {
    const events = parseEvents(input.events);
    const url = await this.checkUrl(input.url);
    assertCan(actor, 'webhooks:write');
    if ((await this.hooks.countBy({ teamId: actor.teamId })) >= MAX_WEBHOOKS_PER_USER) {
      throw new ConflictError(`At most ${MAX_WEBHOOKS_PER_USER} webhooks per account: delete one first`, 'WEBHOOK_LIMIT');
    }
    const secret = newWebhookSecret();
    const id = newId('whk');
    await this.hooks.insert({ id, userId: actor.userId, teamId: actor.teamId, url, events, secret });
    return { webhook: await this.hooks.findOneByOrFail({ id }), secret };
  }

  /** An http(s) URL without credentials whose host resolves to public addresses only (unless private targets are allowed). */
  private async checkUrl(value: string): Promise<string> {
    if (!value.trim()) throw new ValidationError('url is required', 'INVALID_WEBHOOK_URL', 'url');
    let url: URL;
    try {
      url = new URL(value.trim());
    } catch {
      throw new ValidationError('url is not a valid URL', 'INVALID_WEBHOOK_URL', 'url');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError('url must be http or https', 'INVALID_WEBHOOK_URL', 'url');
    if (url.username || url.password) throw new ValidationError('url must not carry credentials: verify deliveries by their signature', 'INVALID_WEBHOOK_URL', 'url');
    if (url.href.length > MAX_URL_CHARS) throw new ValidationError(`url must be at most ${MAX_URL_CHARS} characters`, 'INVALID_WEBHOOK_URL', 'url');
    try {
      await resolveTarget(url.hostname, this.target.lookup, this.target.allowPrivate);
    } catch (err) {
      if (err instanceof BlockedAddressError) throw new ValidationError(`url refused: ${err.message}`, 'WEBHOOK_URL_FORBIDDEN', 'url');
      throw new ValidationError(`url refused: ${url.hostname} does not resolve`, 'INVALID_WEBHOOK_URL', 'url');
    }
    return url.href;
  }

  list(actor: Actor): Promise<Webhook[]> {
    assertCan(actor, 'webhooks:write');
    return this.hooks.find({ where: { teamId: actor.teamId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  findMany(actor: Actor, ids: readonly string[]): Promise<Webhook[]> {
    return ids.length && can(actor, 'webhooks:write') ? this.hooks.findBy({ teamId: actor.teamId, id: In([...ids]) }) : Promise.resolve([]);
  }

  async get(actor: Actor, id: string): Promise<Webhook> {
    const hook = await this.hooks.findOneBy({ id, teamId: actor.teamId });
    if (!hook) throw new NotFoundError('Webhook not found', 'WEBHOOK_NOT_FOUND');
    assertCan(actor, 'webhooks:write');
    return hook;
  }

  /** Its deliveries and their attempts go with it; a queued attempt then finds nothing to send. */
  async delete(actor: Actor, id: string): Promise<void> {
    await this.get(actor, id);
    const result = await this.hooks.delete({ id, teamId: actor.teamId });
    if (!result.affected) throw new NotFoundError('Webhook not found', 'WEBHOOK_NOT_FOUND');
  }

  /** The most recent attempts, newest first. */
  async log(actor: Actor, webhookId: string, limit = MAX_LOG_ENTRIES): Promise<LoggedAttempt[]> {
    await this.get(actor, webhookId);
    const rows = await this.db
      .getRepository(WebhookAttempt)
      .createQueryBuilder('a')
      .innerJoinAndSelect('a.delivery', 'd')
      .where('a.webhook_id = :webhookId', { webhookId })
      .orderBy('a.started_at', 'DESC')
      .addOrderBy('a.attempt', 'DESC')
      .limit(Math.min(Math.max(1, limit), MAX_LOG_ENTRIES))
      .getMany();
    return rows.map((a) => Object.assign(a, { eventId: a.delivery!.eventId, eventType: a.delivery!.eventType, deliveryStatus: a.delivery!.status }));
  }

  /** Queues one more attempt of a delivery now (delivered, pending or given up alike). */
  async resend(actor: Actor, webhookId: string, deliveryId: string): Promise<WebhookDelivery> {
    await this.get(actor, webhookId);
    return this.db.transaction(async (tx) => {
      const delivery = await tx.findOneBy(WebhookDelivery, { id: deliveryId, webhookId });
      if (!delivery) throw new NotFoundError('Delivery not found', 'DELIVERY_NOT_FOUND');
      await this.queue.enqueueWebhookDelivery(tx, { deliveryId, due: null });
      return delivery;
    });
  }
}

function parseEvents(list: readonly string[]): WebhookEvent[] {
  if (!list.length || !list.every(isWebhookEvent)) {
    throw new ValidationError(`events must be a non-empty list of ${WEBHOOK_EVENTS.join(', ')}`, 'INVALID_WEBHOOK_EVENTS', 'events');
  }
  return [...new Set(list)];
}
