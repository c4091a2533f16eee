import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readMessages } from '@trellis/schema';
import type { WorkerFixture } from '../testing/fixture.ts';
import { answerFor, workerFixture } from '../testing/fixture.ts';
import { createHandlers } from '../jobs/handlers.ts';
import { JobLoop } from '../jobs/loop.ts';
import { localDay } from './local-day.ts';
import { scanDue } from './scan.ts';

let f: WorkerFixture;
beforeEach(async () => {
  f = await workerFixture();
});
afterEach(() => f.close());

const child = fileURLToPath(new URL('../testing/crash-child.ts', import.meta.url));

it('a worker SIGKILLed mid-batch, rerun after its lease expires: no duplicate messages, approvals or digests', async () => {
  const cs: { id: string }[] = [];
  const acts = new Map<string, string>();
  for (let i = 0; i < 3; i++) {
    const c = await f.collaboration();
    const [act] = await f.seed(c.id, { activities: [{ title: `Trip ${i}` }] });
    acts.set(c.id, act!);
    cs.push(c);
  }
  f.fake.respond((req) => ({
    content: answerFor(req.user, (id) => [
      { action: 'sendMessage', params: { body: `hello ${id}` }, reason: 'daily' },
      { action: 'scheduleActivity', params: { activityId: acts.get(id), at: '2031-05-01T09:00:00Z' }, reason: 'dates agreed' },
    ]),
  }));
  await scanDue(f.store, f.logger, { cron: '* * * * *', now: new Date() });

  // The child runs the batch and dies just before storing the second digest: the second
  // collaboration's actions ran, its digest did not.
  const proc = spawn(process.execPath, ['--import', 'tsx', child, f.dir, f.fake.url, '2'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, sig) => resolve(sig)));
  expect(signal, stderr).toBe('SIGKILL');
  const day = localDay(new Date(), 'UTC');
  const states = await Promise.all(cs.map(async (c) => (await f.store.checkins.get(c.id, day))?.status));
  expect(states.filter((s) => s === 'done')).toHaveLength(1);
  expect((await f.store.jobs.counts()).leased).toBe(1);

  // Another worker picks the job up once the lease has expired and finishes it.
  await new Promise((r) => setTimeout(r, 400));
  const loop = new JobLoop({ store: f.store, handlers: createHandlers(f.deps()), owner: 'survivor', logger: f.logger, metrics: f.metrics });
  const job = await f.store.jobs.claim(['checkin-batch'], 'survivor', 60_000);
  expect(job?.attempts).toBe(2);
  expect(await loop.runOne(job!)).toBe('done');

  for (const c of cs) {
    expect(readMessages(await f.storedDoc(c.id)).filter((m) => m.kind === 'ai').map((m) => m.body)).toEqual([`hello ${c.id}`]);
    expect((await f.store.approvals.listPending([c.id], { limit: 10 })).items).toHaveLength(1);
    const list = (await f.store.checkins.list(c.id, { limit: 10 })).items;
    expect(list.map((d) => d.status)).toEqual(['done']);
    expect(list[0]!.proposals.map((p) => p.fate)).toEqual(['executed', 'pending_approval']);
  }
});
