// Test support: the engine fixture from `@trellis/engine/testing` (a real SQLite store in a temp dir,
// the engine over a store-backed DocHost), the fake LLM server and a real SDK provider pointed at
// it, plus helpers to seed collaborations.
import { createCollaboration, engineFixture } from '@trellis/engine/testing';
import type { EngineFixture } from '@trellis/engine/testing';
import { appendActivity, appendMessage, newId, notesOf } from '@trellis/schema';
import type { Collaboration, Role } from '@trellis/schema';
import type { HandlerDeps } from '../jobs/handlers.ts';
import { WorkerMetrics } from '../metrics.ts';
import { createGroqProvider } from '../providers/groq.ts';
import { createOfflineProvider } from '../providers/offline.ts';
import { createOpenAiProvider } from '../providers/openai.ts';
import type { LlmProvider, ProviderName } from '../providers/types.ts';
import type { FakeLlm } from './fake-llm.ts';
import { startFakeLlm } from './fake-llm.ts';

export interface WorkerFixture extends Omit<EngineFixture, 'collaboration'> {
  fake: FakeLlm;
  metrics: WorkerMetrics;
  provider(kind?: ProviderName, timeoutMs?: number): LlmProvider;
  deps(overrides?: Partial<HandlerDeps>): HandlerDeps;
  collaboration(opts?: { members?: Record<string, Role>; timeZone?: string; title?: string }): Promise<Collaboration>;
  seed(collaborationId: string, s: { messages?: string[]; activities?: { title: string; status?: 'scheduled'; at?: string }[]; notes?: string }): Promise<string[]>;
  /** Also stops the fake LLM; a `dir` passed in is left in place. */
  close(): Promise<void>;
}

export async function workerFixture(opts: { dir?: string } = {}): Promise<WorkerFixture> {
  const base = engineFixture({ label: 'worker', dir: opts.dir, logLevel: process.env.TEST_LOG_LEVEL });
  const { store, docs, engine, logger } = base;
  const fake = await startFakeLlm();
  const metrics = new WorkerMetrics();
  const provider = (kind: ProviderName = 'groq', timeoutMs = 5_000): LlmProvider =>
    kind === 'groq' ? createGroqProvider({ apiKey: 'test-key', model: 'llama-test', baseURL: fake.url, timeoutMs })
    : kind === 'openai' ? createOpenAiProvider({ baseURL: fake.openaiBaseUrl, model: 'local-test', timeoutMs })
    : createOfflineProvider();
  const f: WorkerFixture = {
    ...base, fake, metrics, provider,
    deps: (o = {}) => ({ store, docs, engine, provider: provider(), metrics, logger, now: () => new Date(), cron: '0 2 * * *', maxQueued: 10_000, throttleMs: 20, ...o }),
    collaboration: (o = {}) => createCollaboration(store, { ...o, title: o.title ?? 'Trip planning' }),
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
    async close() {
      await fake.close();
      await base.close();
    },
  };
  return f;
}

/** Collaboration ids in the DATA block of a check-in request, in order. */
export function idsInPrompt(user: string): string[] {
  return [...user.matchAll(/"collaborationId":"([^"]+)"/g)].map((m) => m[1]!);
}

/** A well-formed answer for every collaboration in the request, with the given actions (and summary) each. */
export function answerFor(user: string, actions: (id: string) => unknown[] = () => [], summary = (id: string) => `All quiet in ${id}.`): string {
  return JSON.stringify({ checkins: idsInPrompt(user).map((id) => ({ collaborationId: id, summary: summary(id), actions: actions(id) })) });
}
