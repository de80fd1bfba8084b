/**
 * The TypeORM DataSource (synchronize off: the schema only changes through migrations/) and the
 * migration runner, serialised by a PostgreSQL advisory lock so processes starting together never race.
 */
import 'reflect-metadata';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.ts';

/** `entities`: the application's (src/entities.ts); plumbing does not know them itself. */
export function createDataSource(url: string, entities: NonNullable<DataSourceOptions['entities']>, poolSize = 10): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    poolSize,
    // A database host that drops packets (rather than refusing) would otherwise hold every request
    // for the OS's TCP timeout (minutes); this way it fails in seconds and the edge answers 503.
    extra: { application_name: 'optimage', connectionTimeoutMillis: 10_000 },
  });
}

/** Arbitrary constant: "optimage migrations". */
const MIGRATION_LOCK = 7_401_202_611;

/** Runs pending migrations while holding a session advisory lock on a separate connection. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const options = dataSource.options as { url: string };
  const lockClient = new pg.Client({ connectionString: options.url });
  await lockClient.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await lockClient.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lockClient.end();
  }
}

/** SQL that would bring the database in line with the entities; empty when migrations match them. */
export async function pendingSchemaChanges(dataSource: DataSource): Promise<string[]> {
  const sql = await dataSource.driver.createSchemaBuilder().log();
  return sql.upQueries.map((q) => q.query);
}
