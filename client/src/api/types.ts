// Shapes of REST answers the screens read. Parsed loosely: the server may add fields.
import type { Actor, Approval, Checkin, Notification, PolicyOverrides, Role, RuleDefinition } from '@trellis/schema';

export interface CollaborationSummary {
  id: string;
  title: string;
  role?: Role;
  archived?: boolean;
  updatedAt?: string;
  createdAt?: string;
  ownerId?: string;
  policy?: PolicyOverrides;
  rules?: RuleDefinition[];
  settings?: { timeZone?: string; aiCheckins?: boolean };
}

export interface Member {
  userId: string;
  role: Role;
  displayName?: string;
  email?: string | null;
  addedAt?: string;
}

export interface InviteItem {
  id: string;
  kind: 'email' | 'link';
  role: Role;
  email: string | null;
  createdAt: string;
  expiresAt: string | null;
  maxUses: number;
  uses: number;
  status: 'open' | 'used_up' | 'expired' | 'revoked';
}

export type CreatedInvite = InviteItem & { token: string; url: string };

/** `POST .../checkins`: what will happen (SPEC [W7]). */
export interface CheckinRun {
  jobId: string;
  localDay: string;
  /** The digest of today this run replaces, if any. */
  supersedes: string | null;
}

/** `membership` server event: someone's role in a collaboration changed (null: removed). */
export interface MembershipEvent {
  collaborationId: string;
  userId: string;
  role: Role | null;
}

/** An approval with its words, resolved on the server (SPEC [G7]). */
export type ApprovalItem = Approval & {
  stale?: boolean;
  collaborationTitle?: string;
  targetTitle?: string | null;
  proposerName?: string;
  /** "cancel 'Plan the hike'" */
  request?: string;
  /** "Ann asked to cancel 'Plan the hike'" */
  summary?: string;
};
export type { Checkin, Notification };

export type ActionOutcome =
  | { kind: 'executed' }
  | { kind: 'pending'; approvalId: string | null };

/** `PATCH /api/collaborations/:id`: only the fields given change. */
export interface CollaborationPatch {
  title?: string;
  settings?: { timeZone?: string; aiCheckins?: boolean };
  archived?: boolean;
}

/** One audit log entry (`GET /api/collaborations/:id/audit`), newest first. */
export interface AuditItem {
  id: string;
  at: string;
  actor: Actor;
  kind: 'action' | 'crdt' | 'approval' | 'membership' | 'refused-update' | (string & {});
  action: string | null;
  outcome: string;
  detail: Record<string, unknown>;
  /** Words from the server (SPEC [G7]). */
  actorName?: string;
  summary?: string;
}

export interface AuditFilters {
  actor?: string | undefined;
  action?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface AuditPage {
  items: AuditItem[];
  nextCursor: string | null;
}

/** One change group of `GET /api/collaborations/:id/history` (SPEC [A5]), newest first. */
export interface HistoryGroup {
  id: string;
  at: string | null;
  actor: { kind: 'user' | 'ai' | 'rule' | 'integration' | (string & {}); id: string };
  runId?: string;
  proposalIds?: string[];
  summary: string;
  changes: HistoryChange[];
  /** False for the group stored before history was kept ([A4]). */
  revertible?: boolean;
}

export interface HistoryChange {
  root: string;
  itemId: string | null;
  field: string | null;
  before: unknown;
  after: unknown;
}

/** Filters of `GET …/history` ([A5]): `kind` user/ai/rule/integration, `actor` one person's id. */
export interface HistoryFilters {
  kind?: string | undefined;
  actor?: string | undefined;
}

/** `GET …/history/at` ([A6]): the collaboration's JSON as it was. */
export interface HistorySnapshot {
  messages: { id: string; authorId?: string; body?: string; createdAt?: string; kind?: string }[];
  activities: { id: string; title?: string; status?: string; at?: string | null; notes?: string | null }[];
  notes: string;
  seq?: number;
}

/** A part of a run that could not be undone ([A7]). */
export interface RevertConflict {
  root: string;
  itemId: string | null;
  field: string | null;
  reason: 'changed_since' | 'edited_since' | 'gone' | 'exists' | (string & {});
  runValue?: unknown;
  current?: unknown;
  by?: { kind: string; id: string };
}

/** `POST …/runs/:runId/revert` ([A7], [A8]). */
export interface RevertResult {
  reverted: HistoryChange[];
  conflicts: RevertConflict[];
  needsOwner: HistoryChange[];
  approvalId?: string;
  /** The revert's own run (null for a dry run), itself revertible. */
  runId: string | null;
  /** The run undone; absent when one person's changes since a time were undone ([A9]). */
  revertedRunId?: string;
}
