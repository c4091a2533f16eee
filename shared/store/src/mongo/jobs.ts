// The job queue: leases with a visibility timeout, attempts, dead letter, dedupe keys, backpressure.
// Every state change is one single-document atomic write, so racing workers never share a lease.
import { Job, newId } from '@trellis/schema';
import type { JobRepo } from '../types.ts';
import { exhaustedError } from '../job-dead-letter.ts';
import { newJob } from '../new-job.ts';
import { parseRecord } from '../parse-record.ts';
import type { Ctx, Stored } from './db.ts';
import { isDuplicateKey, withoutId } from './db.ts';
import { toPage } from '../page.ts';

const toJob = (d: Stored<Job>) => parseRecord(Job, withoutId(d), `job ${d._id}`);

export function mongoJobs({ c }: Ctx): JobRepo {
  return {
    async enqueue(input, opts = {}) {
      if (opts.maxQueued !== undefined) {
        // Backpressure is a soft limit: the count and the insert are separate operations.
        const n = await c.jobs.countDocuments({ status: { $in: ['queued', 'leased'] } });
        if (n >= opts.maxQueued) return null;
      }
      const job = newJob(input, Date.now());
      try {
        await c.jobs.insertOne({ ...job, _id: job.id });
        return job;
      } catch (err) {
        // jobs_one_live_job_per_dedupe_key: a live job with this key exists.
        if (isDuplicateKey(err)) return null;
        throw err;
      }
    },
    async claim(types, owner, visibilityMs, now = Date.now()) {
      if (types.length === 0) return null;
      // Jobs whose last attempt's lease ran out (the worker died running them every time) are
      // dead-lettered, never leased again; the claim below excludes them even if this races.
      const exhausted = { $expr: { $gte: ['$attempts', '$maxAttempts'] } };
      for (const d of await c.jobs.find({ type: { $in: types }, status: 'leased', leaseUntil: { $lte: now }, ...exhausted }).limit(100).toArray()) {
        await c.jobs.updateOne(
          { _id: d._id, status: 'leased', leaseId: d.leaseId ?? null, leaseUntil: { $lte: now } },
          { $set: { status: 'dead', leaseOwner: null, leaseUntil: null, leaseId: null, lastError: exhaustedError(d) } },
        );
      }
      const d = await c.jobs.findOneAndUpdate(
        {
          type: { $in: types },
          $or: [
            { status: 'queued', runAt: { $lte: now } },
            { status: 'leased', leaseUntil: { $lte: now }, $expr: { $lt: ['$attempts', '$maxAttempts'] } },
          ],
        },
        { $set: { status: 'leased', leaseOwner: owner, leaseUntil: now + visibilityMs, leaseId: newId('lse') }, $inc: { attempts: 1 } },
        { sort: { runAt: 1 }, returnDocument: 'after' },
      );
      return d ? toJob(d) : null;
    },
    async extend(id, leaseId, until) {
      const res = await c.jobs.updateOne({ _id: id, status: 'leased', leaseId }, { $set: { leaseUntil: until } });
      return res.matchedCount === 1;
    },
    async complete(id, leaseId) {
      const res = await c.jobs.updateOne({ _id: id, status: 'leased', leaseId }, { $set: { status: 'done', leaseUntil: null, leaseId: null } });
      return res.matchedCount === 1;
    },
    async fail(id, leaseId, error, retryAt) {
      // A pipeline update decides retry vs dead letter from the stored attempts atomically.
      // $literal: the error text must never be read as a field path or operator.
      const exhaustedNow = { $gte: ['$attempts', '$maxAttempts'] };
      const d = await c.jobs.findOneAndUpdate(
        { _id: id, status: 'leased', leaseId },
        [
          {
            $set: {
              status: { $cond: [exhaustedNow, 'dead', 'queued'] },
              runAt: { $cond: [exhaustedNow, '$runAt', { $literal: retryAt }] },
              leaseOwner: null,
              leaseUntil: null,
              leaseId: null,
              lastError: { $literal: error.slice(0, 2000) },
            },
          },
        ],
        { returnDocument: 'after' },
      );
      return d ? toJob(d) : null;
    },
    async get(id) {
      const d = await c.jobs.findOne({ _id: id });
      return d ? toJob(d) : null;
    },
    async counts() {
      const out: Record<Job['status'], number> = { queued: 0, leased: 0, done: 0, dead: 0 };
      const rows = await c.jobs.aggregate<{ _id: unknown; n: number }>([{ $group: { _id: '$status', n: { $sum: 1 } } }]).toArray();
      for (const r of rows) if (typeof r._id === 'string' && r._id in out) out[r._id as Job['status']] = r.n;
      return out;
    },
    async pruneDone(before) {
      return (await c.jobs.deleteMany({ status: 'done', runAt: { $lt: before } })).deletedCount;
    },
    async listDead(page) {
      const rows = await c.jobs
        .find({ status: 'dead', _id: { $gt: page.cursor ?? '' } })
        .sort({ _id: 1 })
        .limit(page.limit + 1)
        .toArray();
      return toPage(rows, page.limit, toJob, (d) => d._id);
    },
  };
}
