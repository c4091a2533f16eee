// Test support: a real SQLite store in a temp dir, the engine over a store-backed DocHost, the fake
// LLM server and a real SDK provider pointed at it, plus helpers to seed collaborations.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { createEngine, createStoreDocHost } from '@trellis/engine';
import type { DocHost, Engine } from '@trellis/engine';
import { createLogger } from '@trellis/runtime';
import type { Logger } from '@trellis/runtime';
import { appendActivity, appendMessage, newId, notesOf } from '@trellis/schema';
import type { Collaboration, Role } from '@trellis/schema';
import { createSqliteStore } from '@trellis/store';
import type { Store } from '@trellis/store';
import type { HandlerDeps } from '../jobs/handlers.ts';
import { WorkerMetrics } from '../metrics.ts';
import { createGroqProvider } from '../providers/groq.ts';
import { createOfflineProvider } from '../providers/offline.ts';
import { createOpenAiProvider } from '../providers/openai.ts';
import type { LlmProvider, ProviderName } from '../providers/types.ts';
import type { FakeLlm } from './fake-llm.ts';
import { startFakeLlm } from './fake-llm.ts';

export interface WorkerFixture {
  dir: string;
  store: Store;
  docs: DocHost;
  engine: Engine;
  fake: FakeLlm;
  logger: Logger;
  metrics: WorkerMetrics;
  provider(kind?: ProviderName, timeoutMs?: number): LlmProvider;
  deps(overrides?: Partial<HandlerDeps>): HandlerDeps;
  collaboration(opts?: { members?: Record<string, Role>; timeZone?: string; title?: string }): Promise<Collaboration>;
  seed(collaborationId: string, s: { messages?: string[]; activities?: { title: string; status?: 'scheduled'; at?: string }[]; notes?: string }): Promise<string[]>;
  storedDoc(collaborationId: string): Promise<Y.Doc>;
  close(): Promise<void>;
}

export async function workerFixture(opts: { dir?: string } = {}): Promise<WorkerFixture> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'trellis-worker-'));
  const store = createSqliteStore({ dataDir: dir, pollMs: 5 });
  const logger = createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', name: 'worker-test' });
  const docs = createStoreDocHost(store, logger);
  const engine = createEngine({ store, docs, logger });
  const fake = await startFakeLlm();
  const metrics = new WorkerMetrics();
  const provider = (kind: ProviderName = 'groq', timeoutMs = 5_000): LlmProvider =>
    kind === 'groq' ? createGroqProvider({ apiKey: 'test-key', model: 'llama-test', baseURL: fake.url, timeoutMs })
    : kind === 'openai' ? createOpenAiProvider({ baseURL: fake.openaiBaseUrl, model: 'local-test', timeoutMs })
    : createOfflineProvider();
  const f: WorkerFixture = {
    dir, store, docs, engine, fake, logger, metrics, provider,
    deps: (o = {}) => ({ store, docs, engine, provider: provider(), metrics, logger, now: () => new Date(), cron: '0 2 * * *', maxQueued: 10_000, throttleMs: 20, ...o }),
    async collaboration(o = {}) {
      const now = new Date().toISOString();
      const c: Collaboration = {
        id: newId('col'), title: o.title ?? 'Trip planning', ownerId: 'owner1', settings: { timeZone: o.timeZone ?? 'UTC', aiCheckins: true },
        policy: {}, rules: [], archived: false, createdAt: now, updatedAt: now,
      };
      await store.collaborations.create(c);
      for (const [userId, role] of Object.entries(o.members ?? {})) await store.members.put({ collaborationId: c.id, userId, role, addedAt: now, addedBy: 'owner1' });
      return c;
    },
    async seed(collaborationId, s) {
      return docs.change(collaborationId, 'test-seed', (doc) => {
        const ids: string[] = [];
        for (const body of s.messages ?? []) appendMessage(doc, { id: newId('msg'), authorId: 'owner1', body, kind: 'user' });
        for (const a of s.activities ?? []) {
          const id = newId('act');
          const map = appendActivity(doc, { id, title: a.title, proposedBy: 'owner1' });
          if (a.status) map.set('status', a.status);
          if (a.at) map.set('at', a.at);
          ids.push(id);
        }
        if (s.notes) notesOf(doc).insert(0, s.notes);
        return ids;
      });
    },
    async storedDoc(collaborationId) {
      const loaded = await store.docs.load(collaborationId);
      const doc = new Y.Doc();
      if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
      for (const u of loaded.updates) Y.applyUpdate(doc, u.data);
      return doc;
    },
    async close() {
      await fake.close();
      await store.close();
      if (!opts.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
  return f;
}

/** Collaboration ids in the DATA block of a check-in request, in order. */
export function idsInPrompt(user: string): string[] {
  return [...user.matchAll(/"collaborationId":"([^"]+)"/g)].map((m) => m[1]!);
}

/** A well-formed answer for every collaboration in the request, with the given actions each. */
export function answerFor(user: string, actions: (id: string) => unknown[] = () => []): string {
  return JSON.stringify({ checkins: idsInPrompt(user).map((id) => ({ collaborationId: id, summary: `All quiet in ${id}.`, actions: actions(id) })) });
}
