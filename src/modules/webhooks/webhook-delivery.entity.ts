import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import type { WebhookEvent } from './webhook-events.ts';
import { Webhook } from './webhook.entity.ts';

/** `pending`: an attempt is due; `delivered`: a 2xx came back; `failed`: retried for the whole window, given up. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One event for one webhook. The body is kept as sent, so every attempt and re-send is byte-identical. */
@Entity('webhook_deliveries')
export class WebhookDelivery {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Index('webhook_deliveries_webhook_id_idx')
  @Column({ name: 'webhook_id', type: 'text' })
  webhookId: string;

  @ManyToOne(() => Webhook, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'webhook_id', foreignKeyConstraintName: 'webhook_deliveries_webhook_id_fkey' })
  webhook?: Relation<Webhook>;

  /** The `id` in the body (`evt_…`): receivers dedupe by it. */
  @Column({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ name: 'event_type', type: 'text' })
  eventType: WebhookEvent;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'text' })
  status: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', nullable: true })
  nextAttemptAt: Date | null;

  /** The log's retention finds old deliveries by it. */
  @Index('webhook_deliveries_created_at_idx')
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** One HTTP attempt of a delivery, as the delivery log shows it. */
@Entity('webhook_attempts')
@Index('webhook_attempts_webhook_started_idx', ['webhookId', 'startedAt'])
export class WebhookAttempt {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Index('webhook_attempts_delivery_id_idx')
  @Column({ name: 'delivery_id', type: 'text' })
  deliveryId: string;

  @ManyToOne(() => WebhookDelivery, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'delivery_id', foreignKeyConstraintName: 'webhook_attempts_delivery_id_fkey' })
  delivery?: Relation<WebhookDelivery>;

  @Column({ name: 'webhook_id', type: 'text' })
  webhookId: string;

  /** 1 for the first attempt of its delivery. */
  @Column({ type: 'integer' })
  attempt: number;

  /** A re-send by hand. */
  @Column({ type: 'boolean', default: false })
  manual: boolean;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  /** null when no answer came (refused address, connection error, timeout). */
  @Column({ name: 'status_code', type: 'integer', nullable: true })
  statusCode: number | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  /** When the next attempt of this delivery is due, if this one failed and another is scheduled. */
  @Column({ name: 'next_retry_at', type: 'timestamptz', nullable: true })
  nextRetryAt: Date | null;
}
