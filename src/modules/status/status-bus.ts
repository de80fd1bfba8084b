/**
 * Image status events, across processes: PostgreSQL LISTEN/NOTIFY on one connection per process,
 * with an in-process fast path (a process's own events reach its subscribers without a round trip).
 * Payloads are small (ids, step, progress, a short error). When the listening connection drops, it
 * reconnects with backoff and tells subscribers to re-sync from the rows, so none waits forever on
 * a notification lost in the gap.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../../logger.ts';
import type { ImageStatus } from '../images/image.entity.ts';
import type { PipelineStep } from './steps.ts';

export const STATUS_CHANNEL = 'optimage_image_status';

export interface StatusEvent {
  imageId: string;
  userId: string;
  collectionId: string;
  status: ImageStatus;
  step: PipelineStep;
  progress: number;
  error: string | null;
  at: string;
}

type Listener = (event: StatusEvent) => void;

export class StatusBus {
  private readonly origin = randomUUID();
  private readonly emitter = new EventEmitter();
  private listenClient: pg.Client | null = null;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly databaseUrl: string,
    private readonly pool: { query: (sql: string, params: unknown[]) => Promise<unknown> },
    private readonly logger: Logger,
  ) {
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'optimage-status' });
    client.on('error', (err) => this.logger.warn({ err }, 'status listener connection error'));
    client.on('end', () => this.onDisconnect(client));
    client.on('notification', (msg) => {
      if (msg.channel !== STATUS_CHANNEL || !msg.payload) return;
      const { o, e } = JSON.parse(msg.payload) as { o: string; e: StatusEvent };
      if (o !== this.origin) this.emitter.emit('event', e);
    });
    await client.connect();
    await client.query(`LISTEN ${STATUS_CHANNEL}`);
    this.listenClient = client;
  }

  private onDisconnect(client: pg.Client): void {
    if (this.listenClient !== client || this.closed) return;
    this.listenClient = null;
    let delay = 100;
    const retry = () => {
      this.reconnectTimer = null;
      if (this.closed) return;
      this.connect().then(
        () => {
          this.logger.info('status listener reconnected');
          this.emitter.emit('resync');
        },
        (err: unknown) => {
          this.logger.warn({ err, delay }, 'status listener reconnect failed');
          delay = Math.min(delay * 2, 5_000);
          this.reconnectTimer = setTimeout(retry, delay);
        },
      );
    };
    this.reconnectTimer = setTimeout(retry, delay);
  }

  /** Delivers locally at once, and to every other process through NOTIFY. */
  async publish(event: StatusEvent): Promise<void> {
    const small = { ...event, error: event.error && event.error.slice(0, 500) };
    this.emitter.emit('event', small);
    await this.pool.query('SELECT pg_notify($1, $2)', [STATUS_CHANNEL, JSON.stringify({ o: this.origin, e: small })]);
  }

  /** Listens to every event; returns the unsubscribe function. */
  subscribe(listener: Listener): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Called after a reconnect: subscribers should re-read state they may have missed. */
  onResync(listener: () => void): () => void {
    this.emitter.on('resync', listener);
    return () => this.emitter.off('resync', listener);
  }

  /** How many watchers are listening in this process (for tests and metrics). */
  subscriberCount(): number {
    return this.emitter.listenerCount('event');
  }

  /** For tests and operators: the backend pid of the listening connection. */
  async listenerPid(): Promise<number | null> {
    if (!this.listenClient) return null;
    const { rows } = await this.listenClient.query('SELECT pg_backend_pid() AS pid');
    return rows[0].pid as number;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.listenClient;
    this.listenClient = null;
    await client?.end().catch(() => undefined);
    this.emitter.removeAllListeners();
  }
}
