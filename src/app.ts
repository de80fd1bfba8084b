/**
 * The composition root: builds the database, storage, job queue, status bus, worker pool, services
 * and HTTP handler from a Config. main.ts and every test call it; nothing else wires dependencies.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from './clock.ts';
import { publicSettings, type Config } from './config.ts';
import { createDataSource, migrate } from './db/data-source.ts';
import { ENTITIES } from './entities.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres.ts';
import { EventBus } from './events/event-bus.ts';
import { serveMetricsPort } from './http/metrics-route.ts';
import { openHttpEdge } from './http/server.ts';
import { JobQueue } from './jobs/job-queue.ts';
import { Metrics } from './metrics/metrics.ts';
import { createLogger, type Logger } from './logger.ts';
import { ActorResolver } from './modules/teams/actors.ts';
import { ApiKeysService } from './modules/teams/api-keys.service.ts';
import { InvitationsService } from './modules/teams/invitations.service.ts';
import { TeamsService } from './modules/teams/teams.service.ts';
import { UploadTokensService } from './modules/teams/upload-tokens.service.ts';
import { AccountsService } from './modules/accounts/accounts.service.ts';
import { CollectionsService } from './modules/collections/collections.service.ts';
import { DeliveryAccess } from './modules/delivery/access.ts';
import { DeliveryService } from './modules/delivery/delivery.service.ts';
import { loadSigningKeys } from './modules/delivery/signing-keys.ts';
import { VisibilitySwitch } from './modules/delivery/visibility-switch.ts';
import { DirectUploadsService } from './modules/direct-uploads/direct-uploads.service.ts';
import { IMAGE_STATUS_CHANNEL, type ImageEventBus, type StatusEvent } from './modules/images/image-events.ts';
import { ImageLibrary } from './modules/images/image-library.ts';
import { ImageLifecycle } from './modules/images/image-lifecycle.ts';
import { ImageWatch } from './modules/images/image-watch.ts';
import { imageJson } from './modules/images/images.rest.ts';
import { ImagesService } from './modules/images/images.service.ts';
import { ReprocessService } from './modules/images/reprocess.service.ts';
import { Doctor } from './modules/maintenance/doctor.ts';
import { DoctorSweep } from './modules/maintenance/doctor-sweep.ts';
import { ImageProcessor } from './modules/processing/image-processor.ts';
import { restrictLoaders } from './modules/processing/loaders.ts';
import { ProcessingPool } from './modules/processing/pool.ts';
import { QuotaService } from './modules/quota/quota.service.ts';
import { UploadsService } from './modules/uploads/uploads.service.ts';
import { DeliveryLogRetention } from './modules/webhooks/delivery-log-retention.ts';
import { systemLookup, type HostLookup } from './modules/webhooks/webhook-address.ts';
import { WebhookDispatcher } from './modules/webhooks/webhook-dispatcher.ts';
import { WebhookSender } from './modules/webhooks/webhook-sender.ts';
import { WebhooksService } from './modules/webhooks/webhooks.service.ts';
import type { Services } from './services.ts';
import { createObjectStore } from './storage/create-store.ts';
import { sweepScratch } from './storage/scratch.ts';
import { createTusStorage } from './storage/tus-store.ts';
import type { ObjectStore } from './storage/object-store.ts';

export type AppRole = 'serve' | 'worker' | 'migrate' | 'tool';

/** Webhook attempts in flight per processing process. */
const WEBHOOK_CONCURRENCY = 4;

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /**
   * serve: HTTP (+ processing unless PROCESSING=off); worker: processing only; migrate: migrations
   * only; tool: an operator command (database, storage, queue and events, but no HTTP, no jobs taken
   * and no start-up sweep, so a read-only command changes nothing).
   */
  role?: AppRole;
  /** DNS for webhook targets (tests stand in for it; DNS itself is not reachable there). */
  lookup?: HostLookup;
}

export interface App {
  url: string;
  config: Config;
  services: Services;
  dataSource: DataSource;
  store: ObjectStore;
  queue: JobQueue;
  /** Image status events, across processes. */
  events: ImageEventBus;
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
    const edge = role === 'serve' ? await openHttpEdge(config, logger) : null;
    if (edge) {
      onClose('http edge', edge.close);
      config = edge.config;
    }
    const db = await openDatabase(config, logger);
    if (db.embedded) onClose('embedded postgres', () => db.embedded!.stop());
    const dataSource = createDataSource(db.url, ENTITIES);
    await dataSource.initialize();
    onClose('database pool', () => dataSource.destroy());
    const ran = await migrate(dataSource);
    if (ran.length) logger.info({ migrations: ran }, 'migrations applied');

    restrictLoaders(); // intake reads image headers on every node, processing or not
    const settings = publicSettings(config);
    await mkdir(settings.uploadDir, { recursive: true });
    // what a killed process left behind (spooled uploads, fetched originals)
    const swept = role === 'serve' || role === 'worker' ? await sweepScratch(settings.uploadDir) : [];
    if (swept.length) logger.info({ files: swept.length }, 'removed scratch files left by stopped processes');
    const store = await createObjectStore(config.storage);
    await store.check();
    onClose('object store', () => store.close());
    const processing = role === 'worker' || (role === 'serve' && config.processing.enabled);
    const queue = new JobQueue(db.url, { jobTimeoutMs: config.limits.jobTimeoutMs, supervise: processing }, logger.child({ module: 'jobs' }));
    if (role !== 'migrate') {
      await queue.start();
      onClose('job queue', () => queue.stop());
    }
    const events = new EventBus<StatusEvent>(IMAGE_STATUS_CHANNEL, db.url, dataSource, logger.child({ module: 'events' }));
    if (role !== 'migrate') {
      await events.start();
      onClose('event bus', () => events.close());
    }

    const accounts = new AccountsService(dataSource, clock);
    const actors = new ActorResolver(dataSource, accounts, clock);
    const teams = new TeamsService(dataSource);
    const invitations = new InvitationsService(dataSource, teams, clock, config.http.publicBaseUrl);
    const apiKeys = new ApiKeysService(dataSource, clock);
    const uploadTokens = new UploadTokensService(dataSource, clock);
    const collections = new CollectionsService(dataSource);
    const quota = new QuotaService(dataSource, config.plans, clock);
    const lifecycle = new ImageLifecycle(dataSource, store, events, logger.child({ module: 'images' }));
    // a focal point set while its image was being processed: the crops are made again around it
    lifecycle.crops.onMoved((tx, imageId) => queue.enqueue(tx, { imageId, recrop: true }).then(() => {}));
    const pool = processing
      ? new ProcessingPool({ threads: config.processing.threads, taskTimeoutMs: config.limits.jobTimeoutMs, maxInputPixels: config.limits.maxInputPixels, memoryBudgetBytes: config.processing.memoryBudgetMb * 2 ** 20 })
      : null;
    const metrics = new Metrics({ jobs: () => queue.stats(), eventBusReconnects: () => events.reconnects, poolUtilization: pool ? () => pool.utilization : undefined });
    const images = new ImagesService(dataSource, store, lifecycle, collections, quota, queue, config.limits, logger.child({ module: 'images' }), (result) => metrics.uploads.inc({ result }));
    const reprocess = new ReprocessService(dataSource, lifecycle, collections, queue, events);
    const library = new ImageLibrary(dataSource);
    // private delivery and direct uploads (contract §11, §12): who may is asked of one place (access.ts)
    const access = new DeliveryAccess(collections, images);
    const signingKeys = role === 'migrate' ? [] : await loadSigningKeys(dataSource, config.delivery.signingKeys);
    const delivery = new DeliveryService(dataSource, access, { publicBaseUrl: config.http.publicBaseUrl, cdnBaseUrl: settings.cdnBaseUrl, keys: signingKeys, ttlSeconds: config.delivery.signedUrlTtlSeconds }, clock);
    const privateArea = config.storage.driver === 'local' || config.storage.privateBucket !== undefined;
    const visibility = new VisibilitySwitch(dataSource, store, access, privateArea, logger.child({ module: 'delivery' }));
    const directUploads = new DirectUploadsService(dataSource, store, images, quota, access, { publicBaseUrl: config.http.publicBaseUrl, maxUploadBytes: config.limits.maxUploadBytes, scratchDir: settings.uploadDir, keys: signingKeys }, clock, logger.child({ module: 'direct-uploads' }));
    const imageWatch = new ImageWatch(dataSource, events, collections, library);
    const target = { allowPrivate: config.webhooks.allowPrivate, lookup: options.lookup ?? systemLookup };
    const webhooks = new WebhooksService(dataSource, queue, target);
    const sender = new WebhookSender({ ...target, timeoutMs: config.webhooks.timeoutMs });
    // an event carries the image exactly as REST returns it
    const dispatcher = new WebhookDispatcher(dataSource, queue, sender, (image) => imageJson(image, delivery), clock, logger.child({ module: 'webhooks' }));
    lifecycle.onSettled(dispatcher.onImageSettled);
    const tusDir = join(config.dataDir, 'tus');
    await mkdir(tusDir, { recursive: true });
    const { expiryMs, sweepIntervalMs } = config.resumableUploads;
    const tusStorage = await createTusStorage(config.storage, tusDir, expiryMs);
    const uploads = new UploadsService(dataSource, tusStorage, images, collections, quota, { maxUploadBytes: config.limits.maxUploadBytes, expiryMs, scratchDir: settings.uploadDir }, clock, logger.child({ module: 'uploads' }));
    // the nodes that take tus uploads sweep them (with local storage, the bytes are theirs alone)
    if (role === 'serve') onClose('upload sweep', uploads.startSweeping(sweepIntervalMs));
    const doctor = new Doctor(dataSource, store, { lifecycle, images, reprocess }, { scratchDir: settings.uploadDir, tusDir: config.storage.driver === 'local' ? tusDir : null }, config.doctor.graceMs, clock, directUploads);
    const services: Services = { accounts, actors, teams, invitations, apiKeys, uploadTokens, collections, images, library, imageWatch, reprocess, quota, webhooks, uploads, doctor, delivery, visibility, directUploads, config: settings };

    let control: App['processing'] = null;
    if (pool) {
      const processor = new ImageProcessor(lifecycle, store, pool, settings.uploadDir, logger.child({ module: 'processing' }), (step, seconds) => metrics.steps.observe({ step }, seconds), (image) => visibility.relocate(image));
      control = {
        pause: () => queue.stopWorking(),
        resume: async () => {
          await queue.work(config.processing.threads, (job) => processor.run(job));
          await queue.workDeadLetters((job) => processor.abandon(job.data, 'it failed on every attempt (the worker stopped or ran out of time)'));
        },
      };
      await control.resume();
      // stop taking jobs before the pool goes away (closers run in reverse)
      onClose('worker pool', () => pool.close());
      onClose('taking jobs', () => queue.stopWorking());
      await queue.workWebhookDeliveries(WEBHOOK_CONCURRENCY, (job) => dispatcher.attempt(job));
      onClose('webhook deliveries', () => queue.stopWebhookDeliveries());
      const retention = new DeliveryLogRetention(dataSource, { keepDays: config.webhooks.logDays, batchSize: 500, maxBatches: 20 }, clock, logger.child({ module: 'webhooks' }));
      onClose('webhook log retention', retention.startPruning(config.webhooks.logPruneIntervalMs));
      if (config.doctor.intervalMs) {
        const sweep = new DoctorSweep(doctor, logger.child({ module: 'doctor' }), (kind, n) => metrics.doctorFindings.inc({ kind }, n));
        onClose('doctor sweep', sweep.start(config.doctor.intervalMs));
      }
    }

    if (edge) {
      edge.serve({ services, store, metrics, ready: async () => (await dataSource.query('SELECT 1')).length === 1 });
      // again, now last: the edge stops before the services it calls (closers run in reverse); the
      // first registration covers a start-up that fails before this point
      onClose('http edge', edge.close);
    }
    if (!edge && role === 'worker' && config.metrics.workerPort) {
      // a worker has no HTTP port; its step timings and pool use are scraped here when asked for
      const port = await serveMetricsPort(config.http.host, config.metrics.workerPort, metrics, config.metrics.token);
      onClose('metrics port', port.close);
    }
    const url = edge?.url ?? '';
    logger.info(
      { role, url: url || undefined, database: db.embedded ? 'embedded' : 'external', storage: config.storage.driver, processing, threads: processing ? config.processing.threads : 0, dataDir: config.dataDir },
      url ? `optimage listening on ${url} (GraphQL ${url}/graphql, REST ${url}/api/v1)` : `optimage ${role} ready`,
    );
    return { url, config, services, dataSource, store, queue, events, logger, processing: control, close };
  } catch (err) {
    await close();
    throw err;
  }
}
