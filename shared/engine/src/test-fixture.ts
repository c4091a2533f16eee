// Test support: a real SQLite store in a temp dir, the store-backed DocHost and an engine over
// them, plus helpers to create collaborations and read the stored document back.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { createLogger } from '@trellis/runtime';
import { newId } from '@trellis/schema';
import type { Collaboration, Role } from '@trellis/schema';
import { createSqliteStore } from '@trellis/store';
import type { Store } from '@trellis/store';
import { createEngine } from './create-engine.ts';
import { createStoreDocHost } from './store-doc-host.ts';
import type { DocHost, Engine } from './types.ts';

export interface EngineFixture {
  store: Store;
  docs: DocHost;
  engine: Engine;
  /** Moves the engine's clock. */
  clock: { offsetMs: number };
  collaboration(members?: Record<string, Role>, owner?: string): Promise<Collaboration>;
  /** The document as stored (snapshot + updates), freshly loaded. */
  storedDoc(collaborationId: string): Promise<Y.Doc>;
  close(): Promise<void>;
}

export function engineFixture(): EngineFixture {
  const dir = mkdtempSync(join(tmpdir(), 'trellis-engine-'));
  const store = createSqliteStore({ dataDir: dir, pollMs: 5 });
  const logger = createLogger({ level: 'silent', name: 'engine-test' });
  const docs = createStoreDocHost(store, logger);
  const clock = { offsetMs: 0 };
  const engine = createEngine({ store, docs, logger, now: () => new Date(Date.now() + clock.offsetMs) });
  return {
    store,
    docs,
    engine,
    clock,
    async collaboration(members = {}, owner = 'owner1') {
      const now = new Date().toISOString();
      const c: Collaboration = {
        id: newId('col'), title: 'Trip', ownerId: owner, settings: { timeZone: 'UTC', aiCheckins: true },
        policy: {}, rules: [], archived: false, createdAt: now, updatedAt: now,
      };
      await store.collaborations.create(c);
      for (const [userId, role] of Object.entries(members)) {
        await store.members.put({ collaborationId: c.id, userId, role, addedAt: now, addedBy: owner });
      }
      return c;
    },
    async storedDoc(collaborationId) {
      const loaded = await store.docs.load(collaborationId);
      const doc = new Y.Doc();
      if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
      for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
      return doc;
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
