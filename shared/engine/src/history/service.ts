// The history of collaborations as the API serves it (SPEC [A5], [A6]): change groups, newest
// first, filtered and cursor-paginated; the collaboration as it was at a time or after a group.
// Replays are cached per collaboration (a few, least recently used) and extended with what was
// stored since, so a busy document is not replayed from its start on every request.
import type { AttributedActor, AttributionKind } from '@trellis/schema';
import type { DocHistory, Store } from '@trellis/store';
import type { DocHost } from '../types.ts';
import type { ChangeGroup } from './groups.ts';
import { groupUpdates } from './groups.ts';
import { HistoryReplay, stateAt } from './replay.ts';

const CACHED = 8;
export const HISTORY_PAGE_MAX = 100;

export interface HistoryQuery {
  actor?: string | undefined;
  kind?: AttributionKind | undefined;
  run?: string | undefined;
  /** A group id: only groups older than it. */
  before?: string | undefined;
  limit?: number | undefined;
}

export interface CollaborationAt {
  messages: unknown[];
  activities: unknown[];
  notes: string;
  /** The last stored update the state includes. */
  seq: number;
}

export class HistoryService {
  private readonly replays = new Map<string, HistoryReplay>();
  /** Groups of the replay they were computed from, while nothing new was stored. */
  private readonly grouped = new WeakMap<HistoryReplay, { lastSeq: number; groups: ChangeGroup[] }>();

  constructor(private readonly store: Store, private readonly docs?: Pick<DocHost, 'vet'>) {}

  /** The replayed history of a document, brought up to date with the store. */
  async replay(collaborationId: string): Promise<{ replay: HistoryReplay; history: DocHistory }> {
    const history = await this.store.docs.loadHistory(collaborationId);
    await this.docs?.vet?.(collaborationId, history);
    let replay = this.replays.get(collaborationId);
    if (!replay || history.lastSeq < replay.lastSeq || !replay.extend(history)) {
      replay?.doc.destroy();
      replay = new HistoryReplay(history);
    }
    this.replays.delete(collaborationId);
    this.replays.set(collaborationId, replay);
    for (const [id, r] of this.replays) {
      if (this.replays.size <= CACHED) break;
      r.doc.destroy();
      this.replays.delete(id);
    }
    return { replay, history };
  }

  async groups(collaborationId: string): Promise<ChangeGroup[]> {
    const { replay } = await this.replay(collaborationId);
    const cached = this.grouped.get(replay);
    if (cached && cached.lastSeq === replay.lastSeq) return [...cached.groups];
    const names = await this.names(collaborationId, replay.updates.map((u) => u.attribution?.actor).filter((a): a is AttributedActor => a !== undefined));
    const groups = groupUpdates(replay.updates, (a) => names.get(`${a.kind}:${a.id}`) ?? a.id);
    this.grouped.set(replay, { lastSeq: replay.lastSeq, groups });
    return [...groups];
  }

  async list(collaborationId: string, q: HistoryQuery): Promise<{ items: ChangeGroup[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), HISTORY_PAGE_MAX);
    const beforeSeq = q.before !== undefined ? firstSeqOf(q.before) : Infinity;
    const all = (await this.groups(collaborationId)).reverse();
    const matching = all.filter((g) => g.lastSeq < beforeSeq
      && (q.kind === undefined || g.actor.kind === q.kind)
      && (q.actor === undefined || g.actor.id === q.actor)
      && (q.run === undefined || g.runId === q.run));
    const items = matching.slice(0, limit);
    return { items, nextCursor: matching.length > limit ? items[items.length - 1]!.id : null };
  }

  /** The collaboration after the updates stored at or before `at` (ms), or up to a group. */
  async at(collaborationId: string, until: { at?: number; change?: string }): Promise<CollaborationAt> {
    const { replay, history } = await this.replay(collaborationId);
    const seq = until.change !== undefined ? lastSeqOf(until.change) : undefined;
    return stateAt(history, { ...(seq !== undefined ? { seq } : {}), ...(until.at !== undefined ? { at: until.at } : {}) }, replay.checkpoints);
  }

  private async names(collaborationId: string, actors: AttributedActor[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const collab = await this.store.collaborations.get(collaborationId);
    for (const a of actors) {
      const key = `${a.kind}:${a.id}`;
      if (out.has(key)) continue;
      switch (a.kind) {
        case 'ai':
          out.set(key, 'The AI');
          break;
        case 'user':
          out.set(key, (await this.store.users.get(a.id))?.displayName ?? 'A former member');
          break;
        case 'rule': {
          const rule = collab?.rules.find((r) => r.id === a.id);
          out.set(key, rule ? `The rule "${rule.name}"` : 'A rule');
          break;
        }
        case 'integration':
          out.set(key, 'An integration');
          break;
      }
    }
    return out;
  }
}

/** Group ids are `<first seq>-<last seq>`. */
export function parseGroupId(id: string): { first: number; last: number } | null {
  const m = /^(\d{1,15})-(\d{1,15})$/.exec(id);
  if (!m) return null;
  const first = Number(m[1]);
  const last = Number(m[2]);
  return first <= last ? { first, last } : null;
}

function firstSeqOf(id: string): number {
  return parseGroupId(id)?.first ?? Infinity;
}

function lastSeqOf(id: string): number | undefined {
  return parseGroupId(id)?.last;
}
