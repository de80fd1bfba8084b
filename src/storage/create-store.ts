/**
 * Builds the configured object store; the composition root calls this with `config.storage`. The S3
 * store (and with it the AWS SDK, ~7 MiB of a server's heap) is loaded only when it is configured.
 */
import { LocalStore } from './local-store.ts';
import type { ObjectStore } from './object-store.ts';
import type { S3StoreOptions } from './s3-store.ts';

export type ObjectStoreOptions = { driver: 'local'; rootDir: string } | ({ driver: 's3' } & S3StoreOptions);

export async function createObjectStore(opts: ObjectStoreOptions): Promise<ObjectStore> {
  switch (opts.driver) {
    case 'local':
      return new LocalStore(opts.rootDir);
    case 's3': {
      const { driver: _driver, ...s3 } = opts;
      const { S3Store } = await import('./s3-store.ts');
      return new S3Store(s3);
    }
  }
}
