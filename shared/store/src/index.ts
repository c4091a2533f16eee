// @trellis/store: the storage interface and its adapters.
export type * from './types.ts';
export { CorruptRecordError } from './errors.ts';
export { createSqliteStore } from './sqlite/index.ts';
export type { SqliteStoreOptions } from './sqlite/index.ts';
export type { MongoStoreOptions } from './mongo/index.ts';
export { openStore } from './open-store.ts';
export type { StoreConfig } from './open-store.ts';
export { applyLoaded, loadedBytes, loadStoredDoc } from './apply-loaded.ts';
export { createDocumentInterest } from './document-interest.ts';
export { placedKey, refusedKey, vettedKey } from './trial-marks.ts';
export type { MutableDocumentInterest } from './document-interest.ts';
export { createSqliteWriteThread, WriteThreadDiedError } from './sqlite/write-thread.ts';
export type { SqliteWriteThread, WriteThreadOptions, WriteThreadStatus } from './sqlite/write-thread.ts';
export { compactStored, historyCut } from './compact-stored.ts';
export type { CompactOptions } from './compact-stored.ts';
