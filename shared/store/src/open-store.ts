// Pick the adapter from parsed config; used by every composition root.
import type { Store } from './types.ts';
import { createSqliteStore } from './sqlite/index.ts';

export interface StoreConfig {
  STORE: 'sqlite' | 'mongo';
  DATA_DIR: string;
  MONGODB_URL?: string | undefined;
  /** Database name override (tests); defaults to the URL's database or `trellis`. */
  MONGO_DB_NAME?: string | undefined;
}

export async function openStore(cfg: StoreConfig): Promise<Store> {
  if (cfg.STORE === 'mongo') {
    if (!cfg.MONGODB_URL) throw new Error('MONGODB_URL is required when STORE=mongo');
    // Loaded lazily: the embedded default never loads the MongoDB driver.
    const { createMongoStore } = await import('./mongo/index.ts');
    return createMongoStore(cfg.MONGO_DB_NAME ? { url: cfg.MONGODB_URL, dbName: cfg.MONGO_DB_NAME } : { url: cfg.MONGODB_URL });
  }
  return createSqliteStore({ dataDir: cfg.DATA_DIR });
}
