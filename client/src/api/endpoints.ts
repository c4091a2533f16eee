// Typed calls for every REST route the web app uses (CONTRACT.md and SPEC.md).
import type { PolicyOverrides, Role, RuleDefinition } from '@trellis/schema';
import type { Http } from './http.ts';
import { itemsOf } from './http.ts';
import type { ActionOutcome, ApprovalItem, AuditFilters, AuditItem, AuditPage, Checkin, CheckinRun, CollaborationPatch, CollaborationSummary, CreatedInvite, HistoryFilters, HistoryGroup, HistorySnapshot, InviteItem, Member, Notification, RevertResult } from './types.ts';

const enc = encodeURIComponent;

export function endpoints(http: Http) {
  return {
    async listCollaborations(): Promise<CollaborationSummary[]> {
      return itemsOf<CollaborationSummary>((await http('GET', '/api/collaborations?limit=100')).data, 'collaborations');
    },
    async createCollaboration(title: string): Promise<CollaborationSummary> {
      return (await http<CollaborationSummary>('POST', '/api/collaborations', { title })).data;
    },
    async getCollaboration(id: string): Promise<CollaborationSummary> {
      const { data } = await http<CollaborationSummary | { collaboration: CollaborationSummary; role?: Role }>('GET', `/api/collaborations/${enc(id)}`);
      if ('collaboration' in data) return { ...data.collaboration, ...(data.role ? { role: data.role } : {}) };
      return data;
    },
    async updateCollaboration(id: string, patch: CollaborationPatch): Promise<CollaborationSummary> {
      return (await http<CollaborationSummary>('PATCH', `/api/collaborations/${enc(id)}`, patch)).data;
    },
    /** Filters (SPEC [G7]): `actor` a user id or ai/rule/system, `action` a name or kind, `from`/`to` dates. */
    async listAudit(collabId: string, cursor: string | null, limit = 50, filters: AuditFilters = {}): Promise<AuditPage> {
      const q = Object.entries(filters).filter(([, v]) => v).map(([k, v]) => `&${k}=${enc(String(v))}`).join('');
      const { data } = await http<{ nextCursor?: unknown } | null>('GET', `/api/collaborations/${enc(collabId)}/audit?limit=${limit}&cursor=${enc(cursor ?? '')}${q}`);
      const next = data && typeof data.nextCursor === 'string' && data.nextCursor ? data.nextCursor : null;
      return { items: itemsOf<AuditItem>(data, 'entries'), nextCursor: next };
    },
    async runAction(collabId: string, name: string, params: Record<string, unknown>): Promise<ActionOutcome> {
      const { status, data } = await http<{ status?: string; approvalId?: string }>('POST', `/api/collaborations/${enc(collabId)}/actions/${enc(name)}`, { params });
      if (status === 202 || data?.status === 'pending_approval') return { kind: 'pending', approvalId: data?.approvalId ?? null };
      return { kind: 'executed' };
    },
    async listMembers(collabId: string): Promise<Member[]> {
      return itemsOf<Member>((await http('GET', `/api/collaborations/${enc(collabId)}/members`)).data, 'members');
    },
    async addMember(collabId: string, userId: string, role: Role): Promise<void> {
      await http('POST', `/api/collaborations/${enc(collabId)}/members`, { userId, role });
    },
    /** Adds a known person at once ('added') or leaves an invite they claim when they sign in ('pending'). */
    async inviteByEmail(collabId: string, email: string, role: Role): Promise<'added' | 'pending'> {
      const { status } = await http('POST', `/api/collaborations/${enc(collabId)}/members`, { email, role });
      return status === 202 ? 'pending' : 'added';
    },
    async createInvite(collabId: string, role: Role, opts: { expiresInHours?: number; maxUses?: number } = {}): Promise<CreatedInvite> {
      return (await http<CreatedInvite>('POST', `/api/collaborations/${enc(collabId)}/invites`, { role, ...opts })).data;
    },
    async listInvites(collabId: string): Promise<InviteItem[]> {
      return itemsOf<InviteItem>((await http('GET', `/api/collaborations/${enc(collabId)}/invites?limit=100`)).data);
    },
    async revokeInvite(collabId: string, inviteId: string): Promise<void> {
      await http('DELETE', `/api/collaborations/${enc(collabId)}/invites/${enc(inviteId)}`);
    },
    async acceptInvite(token: string): Promise<{ collaborationId: string; role: Role }> {
      return (await http<{ collaborationId: string; role: Role }>('POST', `/api/invites/${enc(token)}/accept`, {})).data;
    },
    async changeRole(collabId: string, userId: string, role: Role): Promise<void> {
      await http('PATCH', `/api/collaborations/${enc(collabId)}/members/${enc(userId)}`, { role });
    },
    async removeMember(collabId: string, userId: string): Promise<void> {
      await http('DELETE', `/api/collaborations/${enc(collabId)}/members/${enc(userId)}`);
    },
    async getPolicy(collabId: string): Promise<PolicyOverrides> {
      const { data } = await http<Record<string, unknown> | null>('GET', `/api/collaborations/${enc(collabId)}/policy`);
      const policy = data && typeof data['policy'] === 'object' ? data['policy'] : data;
      return (policy ?? {}) as PolicyOverrides;
    },
    async putPolicy(collabId: string, policy: PolicyOverrides): Promise<void> {
      await http('PUT', `/api/collaborations/${enc(collabId)}/policy`, { policy });
    },
    async getRules(collabId: string): Promise<RuleDefinition[]> {
      return itemsOf<RuleDefinition>((await http('GET', `/api/collaborations/${enc(collabId)}/rules`)).data, 'rules');
    },
    async putRules(collabId: string, rules: unknown): Promise<void> {
      await http('PUT', `/api/collaborations/${enc(collabId)}/rules`, { rules });
    },
    async listCheckins(collabId: string): Promise<Checkin[]> {
      return itemsOf<Checkin>((await http('GET', `/api/collaborations/${enc(collabId)}/checkins?limit=30`)).data, 'checkins');
    },
    /** Asks for a check-in now (SPEC [W7]); a refusal (409) comes back as an ApiError with the reason. */
    async runCheckin(collabId: string, fresh = false): Promise<CheckinRun> {
      return (await http<CheckinRun>('POST', `/api/collaborations/${enc(collabId)}/checkins`, fresh ? { fresh: true } : {})).data;
    },
    /** Change groups, newest first (SPEC [A5]); `cursor` is the last group's id of the previous page. */
    async listHistory(collabId: string, cursor: string | null, limit = 100, filters: HistoryFilters = {}): Promise<{ items: HistoryGroup[]; nextCursor: string | null }> {
      const q = Object.entries(filters).filter(([, v]) => v).map(([k, v]) => `&${k}=${enc(String(v))}`).join('');
      const { data } = await http<{ nextCursor?: unknown } | null>('GET', `/api/collaborations/${enc(collabId)}/history?limit=${limit}${cursor ? `&before=${enc(cursor)}` : ''}${q}`);
      const next = data && typeof data.nextCursor === 'string' && data.nextCursor ? data.nextCursor : null;
      return { items: itemsOf<HistoryGroup>(data), nextCursor: next };
    },
    /** The collaboration as it was through a change group (SPEC [A6]). */
    async historyAt(collabId: string, changeId: string): Promise<HistorySnapshot> {
      return (await http<HistorySnapshot>('GET', `/api/collaborations/${enc(collabId)}/history/at?change=${enc(changeId)}`)).data;
    },
    /** Undoes a run (SPEC [A7], [A8]); a dry run only says what would change. */
    async revertRun(collabId: string, runId: string, dryRun: boolean): Promise<RevertResult> {
      return (await http<RevertResult>('POST', `/api/collaborations/${enc(collabId)}/runs/${enc(runId)}/revert`, { dryRun })).data;
    },
    /** Undoes everything one actor (`'ai'` or a user id) stored since a time; owners only (SPEC [A9]). */
    async revertSince(collabId: string, actor: string, since: string, dryRun: boolean): Promise<RevertResult> {
      return (await http<RevertResult>('POST', `/api/collaborations/${enc(collabId)}/history/revert`, { actor, since, dryRun })).data;
    },
    async listPendingApprovals(): Promise<ApprovalItem[]> {
      return itemsOf<ApprovalItem>((await http('GET', '/api/approvals?status=pending&limit=100')).data, 'approvals');
    },
    async getApproval(id: string): Promise<ApprovalItem> {
      const { data } = await http<ApprovalItem | { approval: ApprovalItem; stale?: boolean }>('GET', `/api/approvals/${enc(id)}`);
      if ('approval' in data) return { ...data.approval, ...(data.stale !== undefined ? { stale: data.stale } : {}) };
      return data;
    },
    /** A stale approval answers 409 `stale` on approve (SPEC [G3]): an ApiError with that code. */
    async decideApproval(id: string, decision: 'approve' | 'reject', reason?: string): Promise<void> {
      await http('POST', `/api/approvals/${enc(id)}/${decision}`, decision === 'reject' && reason ? { reason } : {});
    },
    /** Re-proposes a pending (stale) approval from the current state: the id of the new one. */
    async reproposeApproval(id: string): Promise<string> {
      const { data } = await http<{ approvalId?: string }>('POST', `/api/approvals/${enc(id)}/repropose`, {});
      return String(data?.approvalId ?? '');
    },
    /** A collaboration's pending approvals, for every member (SPEC [G6]): shown on the activity's card. */
    async listCollabPendingApprovals(collabId: string): Promise<ApprovalItem[]> {
      return itemsOf<ApprovalItem>((await http('GET', `/api/collaborations/${enc(collabId)}/approvals?status=pending&limit=100`)).data, 'approvals');
    },
    async listNotifications(): Promise<Notification[]> {
      return itemsOf<Notification>((await http('GET', '/api/notifications?limit=100')).data, 'notifications');
    },
    async markNotificationsRead(ids: string[]): Promise<void> {
      await http('POST', '/api/notifications/read', { ids });
    },
  };
}

export type Api = ReturnType<typeof endpoints>;
