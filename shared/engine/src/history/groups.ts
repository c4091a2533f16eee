// Change groups (SPEC [A5]): consecutive updates by the same actor and run, merged into one entry
// with a human summary. A person's updates without a run are split after 5 minutes of quiet; the
// updates stored before history was kept are one group, never offered for revert ([A4]).
import type { AttributedActor, Attribution } from '@trellis/schema';
import { sameAttribution } from '@trellis/schema';
import { canonicalJson } from '../canonical-json.ts';
import type { Change, ReplayedChange, ReplayedUpdate } from './replay.ts';

const QUIET_MS = 5 * 60_000;
export const BEFORE_HISTORY_ACTOR: AttributedActor = { kind: 'integration', id: 'before-history' };

export interface ChangeGroup {
  /** `<first seq>-<last seq>` of its updates (the newest group grows while its writer goes on). */
  id: string;
  at: string | null;
  actor: AttributedActor;
  runId?: string;
  proposalIds?: string[];
  summary: string;
  changes: Change[];
  /** False for the group stored before history was kept. */
  revertible: boolean;
  firstSeq: number;
  lastSeq: number;
}

/** How actors are named in summaries. */
export type NameOf = (actor: AttributedActor) => string;

interface Draft {
  attribution: Attribution | null;
  first: ReplayedUpdate;
  last: ReplayedUpdate;
  changes: ReplayedChange[];
  proposals: Set<string>;
}

export function groupUpdates(updates: readonly ReplayedUpdate[], nameOf: NameOf): ChangeGroup[] {
  const drafts: Draft[] = [];
  for (const u of updates) {
    const cur = drafts[drafts.length - 1];
    const quiet = cur && u.attribution && !u.attribution.runId && cur.last.at !== null && u.at !== null && u.at - cur.last.at > QUIET_MS;
    if (cur && sameAttribution(cur.attribution, u.attribution) && !quiet) {
      cur.last = u;
      cur.changes.push(...u.changes);
    } else {
      drafts.push({ attribution: u.attribution, first: u, last: u, changes: [...u.changes], proposals: new Set() });
    }
    const p = u.attribution?.proposalId;
    if (p) drafts[drafts.length - 1]!.proposals.add(p);
  }
  const out: ChangeGroup[] = [];
  for (const d of drafts) {
    const changes = mergeChanges(d.changes);
    if (changes.length === 0) continue;
    const actor = d.attribution?.actor ?? BEFORE_HISTORY_ACTOR;
    const runId = d.attribution?.runId;
    out.push({
      id: `${d.first.seq}-${d.last.seq}`,
      at: d.last.at === null ? null : new Date(d.last.at).toISOString(),
      actor,
      ...(runId !== undefined ? { runId } : {}),
      ...(d.proposals.size > 0 ? { proposalIds: [...d.proposals] } : {}),
      summary: d.attribution ? summarize(nameOf(actor), changes) : 'Changes made before history was kept',
      changes: changes.map(({ root, itemId, field, before, after }) => ({ root, itemId, field, before, after })),
      revertible: d.attribution !== null,
      firstSeq: d.first.seq,
      lastSeq: d.last.seq,
    });
  }
  return out;
}

/** One change per entry and field: the first before, the last after; fields of an entry created in
 *  the same group fold into its creation; changes that end where they began are dropped. */
export function mergeChanges(changes: readonly ReplayedChange[]): ReplayedChange[] {
  const byKey = new Map<string, ReplayedChange>();
  const created = new Map<string, ReplayedChange>();
  const acc: { text: ReplayedChange | null } = { text: null };
  for (const c of changes) {
    if (c.kind === 'text') {
      const t = acc.text;
      acc.text = t ? { ...t, before: `${String(t.before)}${String(c.before)}`, after: `${String(t.after)}${String(c.after)}`, inserted: [...(t.inserted ?? []), ...(c.inserted ?? [])], removed: [...(t.removed ?? []), ...(c.removed ?? [])] } : { ...c };
      continue;
    }
    const entryKey = `${c.root}/${c.itemId ?? ''}`;
    if (c.kind === 'created') {
      const prior = byKey.get(`${entryKey}/`);
      // Deleted and put back as it was (a refused update's restoration): nothing changed.
      if (prior?.kind === 'deleted' && canonicalJson(prior.before) === canonicalJson(c.after)) {
        byKey.delete(`${entryKey}/`);
        continue;
      }
      const merged = { ...c };
      created.set(entryKey, merged);
      byKey.set(`${entryKey}/`, merged);
      continue;
    }
    const made = created.get(entryKey);
    if (c.kind === 'field' && made) {
      const json = { ...(made.after as Record<string, unknown>) };
      if (c.after === null) delete json[c.field!];
      else json[c.field!] = c.after;
      made.after = json;
      made.label = c.label ?? made.label;
      continue;
    }
    if (c.kind === 'deleted' && made) {
      // Created and deleted within the group: nothing to show.
      byKey.delete(`${entryKey}/`);
      created.delete(entryKey);
      continue;
    }
    const key = `${entryKey}/${c.field ?? ''}`;
    const prev = byKey.get(key);
    byKey.set(key, prev ? { ...c, before: prev.before } : { ...c });
  }
  const out = [...byKey.values()].filter((c) => c.kind !== 'field' || canonicalJson(c.before) !== canonicalJson(c.after));
  const text = acc.text;
  if (text && (text.before !== '' || text.after !== '')) out.push(text);
  return out;
}

const FIELD_LABELS: Record<string, string> = { at: 'due date', status: 'status', title: 'title', notes: 'notes', body: 'text', cancelReason: 'cancel reason' };
const ROOT_NOUN: Record<string, string> = { activities: 'activity', messages: 'message' };

function quote(v: unknown): string {
  if (v === null || v === undefined || v === '') return 'nothing';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return `'${s.length > 60 ? `${s.slice(0, 57)}…` : s}'`;
}

function describe(c: ReplayedChange): string {
  const label = c.label !== null ? quote(c.label) : `an ${ROOT_NOUN[c.root] ?? 'entry'}`;
  switch (c.kind) {
    case 'created':
      return c.root === 'messages' ? `wrote the message ${label}` : `created ${label}`;
    case 'deleted':
      return c.root === 'messages' ? `deleted the message ${label}` : `deleted ${label}`;
    case 'field': {
      if (c.root === 'messages' && c.field === 'body') return `edited the message ${quote(c.before)}`;
      if (c.field === 'streaming') return `finished writing ${label}`;
      const field = FIELD_LABELS[c.field ?? ''] ?? c.field ?? 'a field';
      return `changed the ${field} of ${label} from ${quote(c.before)} to ${quote(c.after)}`;
    }
    case 'text': {
      const ins = String(c.after);
      const del = String(c.before);
      if (ins && !del) return `added ${quote(ins)} to the notes`;
      if (del && !ins) return `removed ${quote(del)} from the notes`;
      return 'edited the notes';
    }
    default:
      return 'changed something';
  }
}

/** Fields that only record that something else changed: left out of summaries when there is more. */
const BOOKKEEPING = new Set(['streaming', 'updatedAt']);

export function summarize(who: string, changes: readonly ReplayedChange[]): string {
  const visible = changes.filter((c) => !(c.kind === 'field' && BOOKKEEPING.has(c.field ?? '')));
  const parts = (visible.length > 0 ? visible : changes).map(describe);
  const shown = parts.length <= 3 ? parts.slice(0, -1).join(', ') + (parts.length > 1 ? ' and ' : '') + parts[parts.length - 1]! : parts.slice(0, 2).join(', ');
  const more = parts.length > 3 ? ` and ${parts.length - 2} more change${parts.length - 2 === 1 ? '' : 's'}` : '';
  return `${who} ${shown}${more}`;
}
