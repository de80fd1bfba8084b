/**
 * Writes migrations/<timestamp>-<Name>.ts holding the SQL that brings a database migrated to the
 * current head in line with the entities (TypeORM's schema diff), using a throwaway embedded cluster.
 * Usage: npm run migration:generate -- AddImages
 */
import { chmod, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDataSource, migrate } from '../src/db/data-source.ts';
import { ENTITIES } from '../src/entities.ts';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts';
import { createLogger } from '../src/logger.ts';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('usage: npm run migration:generate -- PascalCaseName');
  process.exit(2);
}
const dir = await mkdtemp(join(tmpdir(), 'optimage-gen-'));
await chmod(dir, 0o755); // the postgres system user (when run as root) must reach the cluster dir
const db = await startEmbeddedPostgres(join(dir, 'pg'), createLogger('warn'));
try {
  const ds = createDataSource(db.url(), ENTITIES);
  await ds.initialize();
  await migrate(ds);
  const sql = await ds.driver.createSchemaBuilder().log();
  await ds.destroy();
  if (sql.upQueries.length === 0) {
    console.log('entities match the migrations: nothing to generate');
  } else {
    const ts = Date.now();
    const cls = `${name}${ts}`;
    const q = (s: string) => '`' + s.replace(/[`\\$]/g, (c) => '\\' + c) + '`';
    const up = sql.upQueries.map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n');
    const down = sql.downQueries.reverse().map((x) => `    await queryRunner.query(${q(x.query)});`).join('\n');
    const file = `${ts}-${name}.ts`;
    await writeFile(
      join('migrations', file),
      `import type { MigrationInterface, QueryRunner } from 'typeorm';\n\nexport class ${cls} implements MigrationInterface {\n  name = '${cls}';\n\n  async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n  async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
    );
    const index = await readFile('migrations/index.ts', 'utf8');
    const updated = index
      .replace(/^/, `import { ${cls} } from './${ts}-${name}.ts';\n`)
      .replace(/= \[([^\]]*)\];/, (_m, list: string) => `= [${list.trim() ? `${list.trim().replace(/,$/, '')}, ` : ''}${cls}];`);
    await writeFile('migrations/index.ts', updated);
    console.log(`wrote migrations/${file} (${sql.upQueries.length} statements)`);
  }
} finally {
  await db.stop();
  await rm(dir, { recursive: true, force: true });
}
