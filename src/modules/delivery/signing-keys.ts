/**
 * The keys that sign and verify delivery URLs: URL_SIGNING_KEYS when set (the first signs, all
 * verify); otherwise one key generated on first start and kept in the database, so every node and
 * every restart signs alike.
 */
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { SigningKey } from './signing-key.entity.ts';

const GENERATED_KEY_ID = 'generated';

export async function loadSigningKeys(db: DataSource, configured: readonly string[]): Promise<string[]> {
  if (configured.length) return [...configured];
  // Concurrent first starts: one insert wins, every node reads the winner's key.
  await db.query(`INSERT INTO signing_keys (id, secret) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [GENERATED_KEY_ID, randomBytes(32).toString('hex')]);
  const row = await db.getRepository(SigningKey).findOneByOrFail({ id: GENERATED_KEY_ID });
  return [row.secret];
}
