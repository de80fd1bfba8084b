/**
 * Events across processes: PostgreSQL LISTEN/NOTIFY on one connection per process, with an
 * in-process fast path (a process's own events reach its subscribers without a round trip).
 * Payloads must stay small (NOTIFY allows 8000 bytes). When the listening connection drops, it
 * reconnects with backoff and tells subscribers to re-sync from the rows, so none waits forever on
 * a notification lost in the gap. Plumbing: it knows nothing of what the events mean.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Logger } from '../logger.ts';

type Listener<E> = (event: E) => void;

export class EventBus<E> {
  private readonly origin = randomUUID();
  private readonly emitter = new EventEmitter();
  private listenClient: pg.Client | null = null;
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;
  /** Reconnects of the listening connection since start (for metrics). */
  reconnects = 0;

  constructor(
    /** A PostgreSQL identifier: the NOTIFY channel. */
    private readonly channel: string,
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
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'optimage-events' });
    client.on('error', (err) => this.logger.warn({ err }, 'event listener connection error'));
    client.on('end', () => this.onDisconnect(client));
    client.on('notification', (msg) => {
      if (msg.channel !== this.channel || !msg.payload) return;
      const { o, e } = JSON.parse(msg.payload) as { o: string; e: E };
      if (o !== this.origin) this.emitter.emit('event', e);
    });
    await client.connect();
    await client.query(`LISTEN ${this.channel}`);
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
          this.reconnects++;
          this.logger.info('event listener reconnected');
          this.emitter.emit('resync');
        },
        (err: unknown) => {
          this.logger.warn({ err, delay }, 'event listener reconnect failed');
          delay = Math.min(delay * 2, 5_000);
          this.reconnectTimer = setTimeout(retry, delay);
        },
      );
    };
    this.reconnectTimer = setTimeout(retry, delay);
  }

  /** Delivers locally at once, and to every other process through NOTIFY. */
  async publish(event: E): Promise<void> {
    this.emitter.emit('event', event);
    await this.pool.query('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify({ o: this.origin, e: event })]);
  }

  /** Listens to every event; returns the unsubscribe function. */
  subscribe(listener: Listener<E>): () => void {
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
