/**
 * The composition root: builds the database, storage, job queue, status bus, worker pool, services
 * and HTTP handler from a Config. main.ts and every test call it; nothing else wires dependencies.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from './clock.ts';
import { withListenUrl, type Config } from './config.ts';
import { createDataSource, migrate } from './db/data-source.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres.ts';
import { createCdnHandler } from './http/cdn.ts';
import { createHttpHandler, listen } from './http/server.ts';
import { openApiDocument } from './http/openapi.ts';
import { attachWebSockets } from './http/websocket.ts';
import { createLogger, type Logger } from './logger.ts';
import { accountsRoutes } from './modules/accounts/accounts.rest.ts';
import { AccountsService } from './modules/accounts/accounts.service.ts';
import { collectionsRoutes } from './modules/collections/collections.rest.ts';
import { CollectionsService } from './modules/collections/collections.service.ts';
import { imagesRoutes } from './modules/images/images.rest.ts';
import { ImagesService } from './modules/images/images.service.ts';
import { ImageProcessor } from './modules/processing/image-processor.ts';
import { JobQueue } from './modules/processing/job-queue.ts';
import { restrictLoaders } from './modules/processing/loaders.ts';
import { ProcessingPool } from './modules/processing/pool.ts';
import { configRoutes } from './modules/quota/config.rest.ts';
import { QuotaService } from './modules/quota/quota.service.ts';
import { StatusBus } from './modules/status/status-bus.ts';
import { statusRoutes } from './modules/status/status.rest.ts';
import { StatusService } from './modules/status/status.service.ts';
import type { Services } from './services.ts';
import { createObjectStore } from './storage/create-store.ts';
import type { ObjectStore } from './storage/object-store.ts';

export type AppRole = 'serve' | 'worker' | 'migrate';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** serve: HTTP (+ processing unless PROCESSING=off); worker: processing only; migrate: migrations only. */
  role?: AppRole;
}

export interface App {
  url: string;
  config: Config;
  services: Services;
  dataSource: DataSource;
  store: ObjectStore;
  queue: JobQueue;
  logger: Logger;
  /** Taking jobs in this process (null when it does not process): pause/resume for operators and tests. */
  processing: { pause(): Promise<void>; resume(): Promise<void> } | null;
  close(): Promise<void>;
}

/** The database: DATABASE_URL, or an embedded cluster under DATA_DIR/postgres. */
async function openDatabase(config: Config, logger: Logger): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.database.url) return { url: config.database.url };
  const embedded = await startEmbeddedPostgres(join(config.dataDir, 'postgres'), logger.child({ module: 'postgres' }));
  return { url: embedded.url(), embedded };
}

export async function createApp(givenConfig: Config, options: AppOptions = {}): Promise<App> {
  let config = givenConfig;
  const role = options.role ?? 'serve';
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const closers: { name: string; fn: () => Promise<void> }[] = [];
  const onClose = (name: string, fn: () => Promise<void>) => closers.push({ name, fn });
  const close = async () => {
    for (const { name, fn } of closers.splice(0).reverse()) {
      logger.debug({ step: name }, 'shutdown step');
      await fn().catch((err: unknown) => logger.error({ err, step: name }, 'error during shutdown'));
    }
  };
  try {
    // Bind the port first: a port in use fails fast, and PORT=0 gets its real URL before anything uses it.
    let handler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | null = null;
    const server =
      role === 'serve'
        ? await listen(async (req, res) => (handler ? handler(req, res) : void res.writeHead(503, { 'Retry-After': '1' }).end()), config.http.host, config.http.port)
        : null;
    if (server) {
      onClose('http server', server.close);
      config = withListenUrl(config, server.url);
    }
    const db = await openDatabase(config, logger);
    if (db.embedded) onClose('embedded postgres', () => db.embedded!.stop());
    const dataSource = createDataSource(db.url);
    await dataSource.initialize();
    onClose('database pool', () => dataSource.destroy());
    const ran = await migrate(dataSource);
    if (ran.length) logger.info({ migrations: ran }, 'migrations applied');

    restrictLoaders(); // intake reads image headers on every node, processing or not
    const uploadDir = join(config.dataDir, 'uploads');
    await mkdir(uploadDir, { recursive: true });
    const store = createObjectStore(config.storage);
    await store.check();
    onClose('object store', () => store.close());
    const processing = role === 'worker' || (role === 'serve' && config.processing.enabled);
    const queue = new JobQueue(db.url, { jobTimeoutMs: config.limits.jobTimeoutMs, supervise: processing }, logger.child({ module: 'jobs' }));
    if (role !== 'migrate') {
      await queue.start();
      onClose('job queue', () => queue.stop());
    }
    const status = new StatusBus(db.url, dataSource, logger.child({ module: 'status' }));
    if (role !== 'migrate') {
      await status.start();
      onClose('status bus', () => status.close());
    }

    const accounts = new AccountsService(dataSource, clock);
    const collections = new CollectionsService(dataSource);
    const quota = new QuotaService(dataSource, config.plans, clock);
    const images = new ImagesService(dataSource, store, collections, quota, queue, status, config.limits, logger.child({ module: 'images' }));
    const services: Services = {
      accounts,
      collections,
      images,
      quota,
      status,
      statusWatch: new StatusService(dataSource, status),
      config: { cdnBaseUrl: config.http.cdnBaseUrl, maxUploadBytes: config.limits.maxUploadBytes, uploadDir },
    };

    let control: App['processing'] = null;
    if (processing) {
      const pool = new ProcessingPool({ threads: config.processing.threads, taskTimeoutMs: config.limits.jobTimeoutMs, maxInputPixels: config.limits.maxInputPixels, memoryBudgetBytes: config.processing.memoryBudgetMb * 2 ** 20 });
      const processor = new ImageProcessor(dataSource, store, pool, status, logger.child({ module: 'processing' }));
      control = {
        pause: () => queue.stopWorking(),
        resume: async () => {
          await queue.work(config.processing.threads, (job) => processor.run(job));
          await queue.workDeadLetters((job) => processor.abandon(job.data.imageId, 'it failed on every attempt (the worker stopped or ran out of time)'));
        },
      };
      await control.resume();
      // stop taking jobs before the pool goes away (closers run in reverse)
      onClose('worker pool', () => pool.close());
      onClose('taking jobs', () => queue.stopWorking());
    }

    let url = '';
    if (server) {
      const http = createHttpHandler({
        config,
        services,
        logger,
        routes: [
          ...accountsRoutes(accounts, config.http.secureCookies),
          ...collectionsRoutes(collections, (userId, id) => images.deleteCollection(userId, id)),
          ...imagesRoutes(images, quota, services.config),
          ...statusRoutes(services.statusWatch),
          ...configRoutes(quota, services.config),
          { method: 'GET', path: '/api/v1/openapi.json', auth: false, handler: async () => ({ status: 200, body: openApiDocument(config.http.publicBaseUrl) }) },
        ],
        extraHandlers: store.kind === 'local' ? [createCdnHandler(images, store)] : [],
        ready: async () => (await dataSource.query('SELECT 1')).length === 1,
      });
      handler = http.handle;
      const sockets = attachWebSockets(server.server, http.yoga, services, http.policy, logger.child({ module: 'websocket' }), config.http.secureCookies);
      // on shutdown (closers run in reverse): sockets first — an upgraded socket would hold the
      // HTTP server's close open — then stop accepting requests; the early registration above is
      // for start-up failures
      onClose('http server', server.close);
      onClose('websockets', sockets.close);
      url = server.url;
    }
    logger.info(
      { role, url: url || undefined, database: db.embedded ? 'embedded' : 'external', storage: config.storage.driver, processing, threads: processing ? config.processing.threads : 0, dataDir: config.dataDir },
      url ? `optimage listening on ${url} (GraphQL ${url}/graphql, REST ${url}/api/v1)` : `optimage ${role} ready`,
    );
    return { url, config, services, dataSource, store, queue, logger, processing: control, close };
  } catch (err) {
    await close();
    throw err;
  }
}
