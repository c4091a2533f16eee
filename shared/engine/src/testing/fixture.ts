// Test support shared by the engine's, the server's and the worker's tests (`@trellis/engine/testing`):
// a real SQLite store in a temp dir, the store-backed DocHost and an engine over them with a movable
// clock, plus helpers to create collaborations and read the stored document back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Y from 'yjs';
import { createLogger } from '@trellis/runtime';
import type { Logger } from '@trellis/runtime';
import { newId } from '@trellis/schema';
import type { Collaboration, Role } from '@trellis/schema';
import { createSqliteStore, loadStoredDoc } from '@trellis/store';
import type { Store } from '@trellis/store';
import { createEngine } from '../create-engine.ts';
import { createStoreDocHost } from '../store-doc-host.ts';
import type { DocHost, Engine } from '../types.ts';

export interface EngineFixtureOptions {
  /** Names the temp dir (`trellis-<label>-…`) and the logger (`<label>-test`); default `engine`. */
  label?: string;
  /** Use this data dir instead of a fresh temp dir; it is then left in place on close. */
  dir?: string | undefined;
  /** Logger level; default `silent`. */
  logLevel?: string | undefined;
}

export interface EngineFixture {
  /** The store's data dir. */
  dir: string;
  store: Store;
  docs: DocHost;
  engine: Engine;
  logger: Logger;
  /** Moves the engine's clock. */
  clock: { offsetMs: number };
  /** Creates a collaboration owned by `owner` (default `owner1`) with extra members. */
  collaboration(members?: Record<string, Role>, owner?: string): Promise<Collaboration>;
  /** The document as stored (snapshot + updates), freshly loaded. */
  storedDoc(collaborationId: string): Promise<Y.Doc>;
  /** Closes the store and removes the temp dir. */
  close(): Promise<void>;
}

export interface NewCollaboration {
  /** Default `owner1`. */
  owner?: string;
  members?: Record<string, Role>;
  /** Default `Trip`. */
  title?: string;
  /** Default `UTC`. */
  timeZone?: string;
}

/** Stores a collaboration (AI check-ins on, empty policy and rules) and its extra members. */
export async function createCollaboration(store: Store, o: NewCollaboration = {}): Promise<Collaboration> {
  const owner = o.owner ?? 'owner1';
  const now = new Date().toISOString();
  const c: Collaboration = {
    id: newId('col'), title: o.title ?? 'Trip', ownerId: owner, settings: { timeZone: o.timeZone ?? 'UTC', aiCheckins: true },
    policy: {}, rules: [], archived: false, createdAt: now, updatedAt: now,
  };
  await store.collaborations.create(c);
  for (const [userId, role] of Object.entries(o.members ?? {})) {
    await store.members.put({ collaborationId: c.id, userId, role, addedAt: now, addedBy: owner });
  }
  return c;
}

export function engineFixture(opts: EngineFixtureOptions = {}): EngineFixture {
  const label = opts.label ?? 'engine';
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `trellis-${label}-`));
  const store = createSqliteStore({ dataDir: dir, pollMs: 5 });
  const logger = createLogger({ level: opts.logLevel ?? 'silent', name: `${label}-test` });
  const docs = createStoreDocHost(store, logger);
  const clock = { offsetMs: 0 };
  const engine = createEngine({ store, docs, logger, now: () => new Date(Date.now() + clock.offsetMs) });
  return {
    dir,
    store,
    docs,
    engine,
    logger,
    clock,
    collaboration: (members = {}, owner = 'owner1') => createCollaboration(store, { owner, members }),
    storedDoc: (collaborationId) => loadStoredDoc(store, collaborationId),
    async close() {
      await store.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
