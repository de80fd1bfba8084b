/** Builds the configured object store; the composition root calls this with `config.storage`. */
import { LocalStore } from './local-store.ts';
import type { ObjectStore } from './object-store.ts';
import { S3Store, type S3StoreOptions } from './s3-store.ts';

export type ObjectStoreOptions = { driver: 'local'; rootDir: string } | ({ driver: 's3' } & S3StoreOptions);

export function createObjectStore(opts: ObjectStoreOptions): ObjectStore {
  switch (opts.driver) {
    case 'local':
      return new LocalStore(opts.rootDir);
    case 's3': {
      const { driver: _driver, ...s3 } = opts;
      return new S3Store(s3);
    }
  }
}
