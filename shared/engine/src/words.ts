// Words for people instead of ids and codes: names, activity titles and verbs, resolved on the server
// from the users, the collaborations and the JSON projection (which knows every activity's title), so
// an inbox, a notification, a digest or the audit log reads the same in a fresh browser.
// ("Ann asked to cancel 'Plan the hike'".) One `Words` per request or job: it caches what it looks up.
import type { Actor, Approval, AuditEntry, CheckinProposal } from '@trellis/schema';
import type { Store } from '@trellis/store';

type WordsStore = Pick<Store, 'users' | 'collaborations' | 'projections' | 'approvals'>;

/** Present ("cancel 'X'") and past ("cancelled 'X'") phrases of an action, given its target. */
interface Verb {
  present: (target: string, p: Params) => string;
  past: (target: string, p: Params) => string;
}
type Params = Record<string, unknown>;

const str = (p: Params, k: string): string | null => (typeof p[k] === 'string' && p[k] !== '' ? (p[k] as string) : null);
const clip = (s: string, n = 60): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
const quoted = (s: string): string => `'${clip(s)}'`;

const VERBS: Record<string, Verb> = {
  sendMessage: { present: (_t, p) => `send the message “${clip(str(p, 'body') ?? '', 80)}”`, past: (_t, p) => `sent the message “${clip(str(p, 'body') ?? '', 80)}”` },
  proposeActivity: { present: (t) => `propose ${t}`, past: (t) => `proposed ${t}` },
  scheduleActivity: { present: (t, p) => `schedule ${t}${when(p)}`, past: (t, p) => `scheduled ${t}${when(p)}` },
  completeActivity: { present: (t) => `mark ${t} done`, past: (t) => `marked ${t} done` },
  cancelActivity: { present: (t) => `cancel ${t}`, past: (t) => `cancelled ${t}` },
  reopenActivity: { present: (t) => `reopen ${t}`, past: (t) => `reopened ${t}` },
  revertRun: { present: () => 'undo a run of changes', past: () => 'undid a run of changes' },
  addMember: { present: () => 'add a member', past: () => 'added a member' },
  removeMember: { present: () => 'remove a member', past: () => 'removed a member' },
  setRole: { present: () => 'change a role', past: () => 'changed a role' },
  setPolicy: { present: () => 'change the policy', past: () => 'changed the policy' },
  setRules: { present: () => 'change the rules', past: () => 'changed the rules' },
  createInvite: { present: () => 'invite someone', past: () => 'invited someone' },
  revokeInvite: { present: () => 'revoke an invite link', past: () => 'revoked an invite link' },
  acceptInvite: { present: () => 'join through an invite', past: () => 'joined through an invite' },
  createCollaboration: { present: () => 'create the collaboration', past: () => 'created the collaboration' },
  checkinNow: { present: () => 'run the check-in now', past: () => 'asked for a check-in now' },
  updateCollaboration: { present: () => 'change the collaboration’s settings', past: () => 'changed the collaboration’s settings' },
  archiveCollaboration: { present: () => 'archive the collaboration', past: () => 'archived the collaboration' },
};

function when(p: Params): string {
  const at = str(p, 'at');
  const d = at ? new Date(at) : null;
  if (!d || Number.isNaN(d.getTime())) return '';
  return ` for ${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** "setRole" → "set role": an action nobody gave words yet still reads as words. */
function humanize(action: string): string {
  return action.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

const ROOT_WORDS: Record<string, string> = { messages: 'the messages', activities: 'the board', notes: 'the notes' };

export interface ApprovalWords {
  collaborationTitle: string;
  /** The activity's title, for actions on an activity (or the proposed title). */
  targetTitle: string | null;
  proposerName: string;
  /** "cancel 'Plan the hike'" */
  request: string;
  /** "Ann asked to cancel 'Plan the hike'" */
  summary: string;
}

export class Words {
  private readonly people = new Map<string, Promise<string>>();
  private readonly titles = new Map<string, Promise<Map<string, string>>>();
  private readonly collabs = new Map<string, Promise<string>>();

  constructor(private readonly store: WordsStore) {}

  person(userId: string): Promise<string> {
    let p = this.people.get(userId);
    if (!p) {
      p = this.store.users.get(userId).then(
        (u) => (u ? u.displayName.trim() || u.email || 'someone' : 'someone'),
        () => 'someone',
      );
      this.people.set(userId, p);
    }
    return p;
  }

  async actor(a: Actor): Promise<string> {
    switch (a.kind) {
      case 'user':
        return a.userId ? this.person(a.userId) : 'someone';
      case 'ai':
        return 'The AI assistant';
      case 'rule':
        return 'A rule';
      case 'system':
        return 'Trellis';
    }
  }

  collaborationTitle(collaborationId: string): Promise<string> {
    let p = this.collabs.get(collaborationId);
    if (!p) {
      p = this.store.collaborations.get(collaborationId).then(
        (c) => c?.title ?? 'a collaboration',
        () => 'a collaboration',
      );
      this.collabs.set(collaborationId, p);
    }
    return p;
  }

  async activityTitle(collaborationId: string, activityId: string): Promise<string | null> {
    let p = this.titles.get(collaborationId);
    if (!p) {
      p = this.store.projections.get(collaborationId).then(
        (proj) => new Map((proj?.activities ?? []).map((a) => [a.id, a.title])),
        () => new Map<string, string>(),
      );
      this.titles.set(collaborationId, p);
    }
    return (await p).get(activityId) ?? null;
  }

  /** The title an action's params point at: the activity's, or the one it proposes. */
  async targetTitle(collaborationId: string, params: Params, fallback?: string | null): Promise<string | null> {
    const activityId = str(params, 'activityId');
    if (activityId) return (await this.activityTitle(collaborationId, activityId)) ?? fallback ?? null;
    return str(params, 'title') ?? fallback ?? null;
  }

  /** "cancel 'Plan the hike'" (or the past tense). */
  async phrase(collaborationId: string, action: string, params: Params, tense: 'present' | 'past', hint?: string | null): Promise<string> {
    const title = await this.targetTitle(collaborationId, params, hint);
    const verb = VERBS[action];
    const target = title ? quoted(title) : 'an activity';
    if (verb) return verb[tense](target, params);
    return title ? `${humanize(action)} ${target}` : humanize(action);
  }

  /** `hint`: the target's title when the projection may not have it yet (a new activity). */
  async approval(a: Approval, hint?: string | null): Promise<ApprovalWords> {
    hint = hint ?? a.targetTitle ?? null;
    const [collaborationTitle, targetTitle, proposerName, request] = await Promise.all([
      this.collaborationTitle(a.collaborationId),
      this.targetTitle(a.collaborationId, a.params, hint),
      this.actor(a.proposedBy),
      this.phrase(a.collaborationId, a.action, a.params, 'present', hint),
    ]);
    return { collaborationTitle, targetTitle, proposerName, request, summary: `${proposerName} asked to ${request}` };
  }

  /** A digest proposal in words: "cancel 'Plan the hike'". */
  proposal(collaborationId: string, p: CheckinProposal, hint?: string | null): Promise<string> {
    return this.phrase(collaborationId, p.action, (p.params && typeof p.params === 'object' ? p.params : {}) as Params, 'present', hint);
  }

  /** One audit entry as a sentence; CRDT edits by what they touched, never bytes or roots. */
  async audit(e: AuditEntry): Promise<string> {
    const who = await this.actor(e.actor);
    const d = e.detail;
    const params = (d['params'] && typeof d['params'] === 'object' ? d['params'] : {}) as Params;
    switch (e.kind) {
      case 'crdt':
      case 'refused-update': {
        const roots = Array.isArray(d['roots']) ? (d['roots'] as unknown[]).filter((r): r is string => typeof r === 'string') : [];
        const where = roots.length ? listWords(roots.map((r) => ROOT_WORDS[r] ?? 'the document')) : 'the document';
        const n = typeof d['updates'] === 'number' ? d['updates'] : 0;
        const refused = typeof d['refused'] === 'number' ? d['refused'] : 0;
        if (e.kind === 'refused-update') return `${possessive(who)} ${plural(refused, 'edit')} to ${where} ${refused === 1 ? 'was' : 'were'} refused (not allowed for their role or the policy)`;
        return `${who} edited ${where} (${plural(n, 'change')})`;
      }
      case 'approval': {
        const approval = await this.approvalRef(e);
        const request = approval.request;
        const owner = approval.proposer ? `${possessive(approval.proposer)} request to ${request}` : `the request to ${request}`;
        if (e.outcome === 'rejected') return `${who} rejected ${owner}`;
        if (e.outcome === 'expired') return `${capital(owner)} expired without a decision`;
        if (e.outcome === 'reproposed') return `${who} re-proposed ${owner} from the current state`;
        if (e.outcome === 'refused:stale') return `${who} tried to approve ${owner}, but it changed since it was proposed`;
        if (e.outcome.startsWith('approved:executed')) return `${who} approved ${owner}; it ran`;
        if (e.outcome.startsWith('approved')) return `${who} approved ${owner}, but it could not run${typeof d['outcome'] === 'string' ? ` (${d['outcome']})` : ''}`;
        return `${who}: ${owner} — ${e.outcome}`;
      }
      case 'action':
      case 'membership': {
        if (!e.action) return `${who}: ${e.outcome}`;
        const member = await this.memberChange(e.action, params);
        if (member && (e.outcome === 'executed')) return `${who} ${member}`;
        // Older entries keep the title beside the params.
        const created = typeof params['title'] === 'string' ? params['title'] : d['title'];
        if (e.action === 'createCollaboration' && e.outcome === 'executed' && typeof created === 'string') return `${who} created ${quoted(created)}`;
        const approvalId = d['approvalId'];
        const hint = typeof approvalId === 'string' ? (await this.store.approvals.get(approvalId).catch(() => null))?.targetTitle : undefined;
        const done = await this.phrase(e.collaborationId, e.action, params, 'past', hint);
        const tried = await this.phrase(e.collaborationId, e.action, params, 'present', hint);
        if (e.outcome === 'executed' || e.outcome === 'queued') return `${who} ${done}`;
        if (e.outcome === 'pending_approval' || e.outcome === 'pending') return e.action === 'createInvite' ? `${who} invited someone by email (pending until they sign in)` : `${who} asked to ${tried} (waiting for approval)`;
        if (e.outcome.startsWith('refused')) return `${who} tried to ${tried}; refused${typeof d['message'] === 'string' ? `: ${d['message']}` : ''}`;
        return `${who} ${done} (${e.outcome})`;
      }
    }
  }

  /** "added eddie as an editor", for membership actions naming a person. */
  private async memberChange(action: string, p: Params): Promise<string | null> {
    const userId = str(p, 'userId');
    if (!userId) return null;
    const name = await this.person(userId);
    const role = str(p, 'role');
    const article = role === 'editor' || role === 'owner' ? 'an' : 'a';
    if (action === 'addMember') return `added ${name}${role ? ` as ${article} ${role}` : ''}`;
    if (action === 'setRole') return `made ${name} ${role ? `${article} ${role}` : 'something else'}`;
    if (action === 'removeMember') return `removed ${name}`;
    return null;
  }

  private async approvalRef(e: AuditEntry): Promise<{ request: string; proposer: string | null }> {
    const proposedBy = e.detail['proposedBy'] as Actor | undefined;
    const proposer = proposedBy && typeof proposedBy === 'object' && typeof proposedBy.kind === 'string' ? await this.actor(proposedBy) : null;
    const approvalId = e.detail['approvalId'];
    const approval = typeof approvalId === 'string' ? await this.store.approvals.get(approvalId).catch(() => null) : null;
    const params = approval?.params ?? {};
    return { request: await this.phrase(e.collaborationId, e.action ?? 'an action', params, 'present', approval?.targetTitle), proposer };
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
function possessive(name: string): string {
  return name.endsWith('s') ? `${name}’` : `${name}’s`;
}
function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
function listWords(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
