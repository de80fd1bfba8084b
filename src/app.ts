/**
 * The composition root: builds the database, services, HTTP handler (and, with the images issue,
 * storage, queue and worker pool) from a Config. main.ts and every test call it; nothing else wires.
 */
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config.ts';
import { createDataSource, migrate } from './db/data-source.ts';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './db/embedded-postgres.ts';
import { listen, createHttpHandler } from './http/server.ts';
import { createLogger, type Logger } from './logger.ts';
import { accountsRoutes } from './modules/accounts/accounts.rest.ts';
import { AccountsService } from './modules/accounts/accounts.service.ts';
import { collectionsRoutes } from './modules/collections/collections.rest.ts';
import { CollectionsService } from './modules/collections/collections.service.ts';
import type { Services } from './services.ts';

export interface AppOptions {
  clock?: Clock;
  logger?: Logger;
  /** false: connect and migrate only (the `migrate` command). */
  http?: boolean;
}

export interface App {
  url: string;
  config: Config;
  services: Services;
  dataSource: DataSource;
  logger: Logger;
  close(): Promise<void>;
}

/** The database: DATABASE_URL, or an embedded cluster under DATA_DIR/postgres. */
async function openDatabase(config: Config, logger: Logger): Promise<{ url: string; embedded?: EmbeddedDatabase }> {
  if (config.database.url) return { url: config.database.url };
  await mkdir(config.dataDir, { recursive: true });
  // When run as root the cluster runs as the `postgres` system user, which must reach its directory.
  if (process.getuid?.() === 0) await chmod(config.dataDir, 0o755);
  const embedded = await startEmbeddedPostgres(join(config.dataDir, 'postgres'), logger.child({ module: 'postgres' }));
  return { url: embedded.url(), embedded };
}

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) {
      await fn().catch((err: unknown) => logger.error({ err }, 'error during shutdown'));
    }
  };
  try {
    const db = await openDatabase(config, logger);
    if (db.embedded) closers.push(() => db.embedded!.stop());
    const dataSource = createDataSource(db.url);
    await dataSource.initialize();
    closers.push(() => dataSource.destroy());
    const ran = await migrate(dataSource);
    if (ran.length) logger.info({ migrations: ran }, 'migrations applied');

    const services: Services = {
      accounts: new AccountsService(dataSource, clock),
      collections: new CollectionsService(dataSource),
    };
    let url = '';
    if (options.http !== false) {
      const handler = createHttpHandler({
        config,
        services,
        logger,
        routes: [...accountsRoutes(services.accounts, config.http.secureCookies), ...collectionsRoutes(services.collections)],
        ready: async () => (await dataSource.query('SELECT 1')).length === 1,
      });
      const server = await listen(handler, config.http.host, config.http.port);
      closers.push(server.close);
      url = server.url;
    }
    logger.info(
      { url, database: db.embedded ? 'embedded' : 'external', storage: config.storage.driver, dataDir: config.dataDir },
      url ? `optimage listening on ${url} (GraphQL ${url}/graphql, REST ${url}/api/v1)` : 'optimage ready',
    );
    return { url, config, services, dataSource, logger, close };
  } catch (err) {
    await close();
    throw err;
  }
}
