// The job queue: leases with a visibility timeout, attempts, dead letter, dedupe keys, backpressure.
import { Job, newId } from '@trellis/schema';
import type { JobRepo } from '../types.ts';
import { exhaustedError } from '../job-dead-letter.ts';
import { newJob } from '../new-job.ts';
import { parseRecord } from '../parse-record.ts';
import type { Db } from './db.ts';
import { stmt, writeTx } from './db.ts';
import { toPage } from '../page.ts';

interface Row { id: string; data: string }
const toJob = (r: Row) => parseRecord(Job, JSON.parse(r.data), `job ${r.id}`);

export function sqliteJobs(db: Db): JobRepo {
  const save = (j: Job) =>
    stmt(db, 'UPDATE jobs SET status = ?, run_at = ?, lease_until = ?, data = ? WHERE id = ?').run(j.status, j.runAt, j.leaseUntil, JSON.stringify(j), j.id);
  const leasedBy = (id: string, leaseId: string): Job | null => {
    const r = stmt(db, "SELECT id, data FROM jobs WHERE id = ? AND status = 'leased'").get(id) as Row | undefined;
    const job = r ? toJob(r) : null;
    return job && job.leaseId === leaseId ? job : null;
  };
  return {
    async enqueue(input, opts = {}) {
      return writeTx(db, () => {
        if (opts.maxQueued !== undefined) {
          const { n } = stmt(db, "SELECT COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'leased')").get() as { n: number };
          if (n >= opts.maxQueued) return null;
        }
        const job = newJob(input, Date.now());
        const res = db
          .prepare('INSERT INTO jobs (id, type, status, run_at, lease_until, dedupe_key, data) VALUES (?, ?, ?, ?, NULL, ?, ?) ON CONFLICT DO NOTHING')
          .run(job.id, job.type, job.status, job.runAt, job.dedupeKey, JSON.stringify(job));
        return res.changes === 1 ? job : null;
      });
    },
    async claim(types, owner, visibilityMs, now = Date.now()) {
      if (types.length === 0) return null;
      const marks = types.map(() => '?').join(',');
      return writeTx(db, () => {
        for (;;) {
          const r = db
            .prepare(
              `SELECT id, data FROM jobs WHERE type IN (${marks}) AND ((status = 'queued' AND run_at <= ?) OR (status = 'leased' AND lease_until <= ?))
               ORDER BY run_at LIMIT 1`,
            )
            .get(...types, now, now) as Row | undefined;
          if (!r) return null;
          const job = toJob(r);
          if (job.status === 'leased' && job.attempts >= job.maxAttempts) {
            // Its last attempt's lease ran out: the worker died running it every time. Never again.
            save({ ...job, status: 'dead', leaseOwner: null, leaseUntil: null, leaseId: null, lastError: exhaustedError(job) });
            continue;
          }
          const leased: Job = { ...job, status: 'leased', attempts: job.attempts + 1, leaseOwner: owner, leaseUntil: now + visibilityMs, leaseId: newId('lse') };
          save(leased);
          return leased;
        }
      });
    },
    async extend(id, leaseId, until) {
      return writeTx(db, () => {
        const job = leasedBy(id, leaseId);
        if (!job) return false;
        save({ ...job, leaseUntil: until });
        return true;
      });
    },
    async complete(id, leaseId) {
      return writeTx(db, () => {
        const job = leasedBy(id, leaseId);
        if (!job) return false;
        save({ ...job, status: 'done', leaseUntil: null, leaseId: null });
        return true;
      });
    },
    async fail(id, leaseId, error, retryAt) {
      return writeTx(db, () => {
        const job = leasedBy(id, leaseId);
        if (!job) return null;
        const dead = job.attempts >= job.maxAttempts;
        const next: Job = {
          ...job, status: dead ? 'dead' : 'queued', runAt: dead ? job.runAt : retryAt, leaseOwner: null, leaseUntil: null, leaseId: null, lastError: error.slice(0, 2000),
        };
        save(next);
        return next;
      });
    },
    async get(id) {
      const r = stmt(db, 'SELECT id, data FROM jobs WHERE id = ?').get(id) as Row | undefined;
      return r ? toJob(r) : null;
    },
    async counts() {
      const out = { queued: 0, leased: 0, done: 0, dead: 0 };
      for (const r of stmt(db, 'SELECT status, COUNT(*) AS n FROM jobs GROUP BY status').all() as { status: keyof typeof out; n: number }[]) out[r.status] = r.n;
      return out;
    },
    async pruneDone(before) {
      return stmt(db, "DELETE FROM jobs WHERE status = 'done' AND run_at < ?").run(before).changes;
    },
    async listDead(page) {
      const rows = stmt(db, `SELECT id, data FROM jobs WHERE status = 'dead' AND id > ? ORDER BY id LIMIT ?`).all(page.cursor ?? '', page.limit + 1) as Row[];
      return toPage(rows, page.limit, toJob, (r) => r.id);
    },
  };
}
