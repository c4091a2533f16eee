// Invites by email and by link (SPEC [I1]–[I4]). Joining always runs the engine's `addMember` as the
// inviter, so an invite carries no more than its author's rights ([G1]): once the inviter is no
// longer an owner their invites stop working. Tokens are 32 random bytes, stored only as sha256.
import { createHash, randomBytes } from 'node:crypto';
import type { Engine } from '@trellis/engine';
import { newId, TrellisError } from '@trellis/schema';
import type { Invite, Role } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';
import { auditWrite } from '../http/audit-write.ts';

export interface InviteDeps {
  store: Store;
  engine: Engine;
  logger: Logger;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** An invite as its owner sees it: never the token hash. */
export function publicInvite(i: Invite, now = new Date()): Omit<Invite, 'tokenHash'> & { status: 'open' | 'used_up' | 'expired' | 'revoked' } {
  const { tokenHash: _hidden, ...rest } = i;
  const status = i.revokedAt !== null ? 'revoked' : i.uses >= i.maxUses ? 'used_up' : i.expiresAt !== null && i.expiresAt <= now.toISOString() ? 'expired' : 'open';
  return { ...rest, status };
}

const DEFAULT_LINK_HOURS = 7 * 24;
const EMAIL_INVITE_HOURS = 30 * 24;

export async function createLinkInvite(deps: InviteDeps, collaborationId: string, by: string, opts: { role: Role; expiresInHours?: number | undefined; maxUses?: number | undefined }): Promise<{ invite: Invite; token: string }> {
  const token = randomBytes(32).toString('base64url');
  const now = new Date();
  const invite: Invite = {
    id: newId('inv'), collaborationId, kind: 'link', role: opts.role, email: null, tokenHash: hashToken(token), createdBy: by, createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + (opts.expiresInHours ?? DEFAULT_LINK_HOURS) * 3_600_000).toISOString(), maxUses: opts.maxUses ?? 1, uses: 0, revokedAt: null,
  };
  await deps.store.invites.create(invite);
  await auditWrite(deps.store, deps.logger, {
    collaborationId, actor: { kind: 'user', userId: by }, kind: 'membership', action: 'createInvite', outcome: 'executed',
    detail: { inviteId: invite.id, kind: 'link', role: invite.role, maxUses: invite.maxUses, expiresAt: invite.expiresAt },
  });
  return { invite, token };
}

/** [I1] An existing user is added at once ('added'); anyone else gets a pending invite bound to the
 *  email ('pending'), replacing an open one for the same address. */
export async function inviteByEmail(deps: InviteDeps, collaborationId: string, by: string, email: string, role: Role): Promise<{ status: 'added'; userId: string } | { status: 'pending'; invite: Invite }> {
  const { store } = deps;
  const user = await store.users.findByEmail(email);
  if (user) {
    if (await store.members.get(collaborationId, user.id)) throw new TrellisError('conflict', 'already a member; change their role instead');
    await join(deps, collaborationId, by, user.id, role, 'email');
    return { status: 'added', userId: user.id };
  }
  const now = new Date();
  for (const old of await store.invites.listOpenForEmail(email)) if (old.collaborationId === collaborationId) await store.invites.revoke(collaborationId, old.id, now.toISOString());
  const invite: Invite = {
    id: newId('inv'), collaborationId, kind: 'email', role, email, tokenHash: null, createdBy: by, createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + EMAIL_INVITE_HOURS * 3_600_000).toISOString(), maxUses: 1, uses: 0, revokedAt: null,
  };
  await store.invites.create(invite);
  await auditWrite(store, deps.logger, {
    collaborationId, actor: { kind: 'user', userId: by }, kind: 'membership', action: 'createInvite', outcome: 'pending',
    detail: { inviteId: invite.id, kind: 'email', role, email },
  });
  return { status: 'pending', invite };
}

/** [I3] Accept a link: a member already in keeps their role (no use is taken). */
export async function acceptLink(deps: InviteDeps, token: string, userId: string): Promise<{ collaborationId: string; role: Role }> {
  const { store } = deps;
  const invite = await store.invites.findByTokenHash(hashToken(token));
  if (!invite) throw new TrellisError('not_found', 'no such invite link');
  const existing = await store.members.get(invite.collaborationId, userId);
  if (existing) {
    // A join that a crash cut off before its claim was settled: settle it now.
    await store.invites.settle(invite.id, userId);
    return { collaborationId: invite.collaborationId, role: existing.role };
  }
  await useOrThrow(deps, invite, userId);
  const role = await join(deps, invite.collaborationId, invite.createdBy, userId, invite.role, 'link', invite.id);
  await store.invites.settle(invite.id, userId);
  return { collaborationId: invite.collaborationId, role };
}

/** [I2] Claim the open email invites for a user's (token) email: called when a token carrying that
 *  email first reaches this process. Failures are logged: signing in must not fail because of them. */
export async function claimEmailInvites(deps: InviteDeps, userId: string, email: string | null): Promise<void> {
  if (!email) return;
  for (const invite of await deps.store.invites.listOpenForEmail(email.toLowerCase())) {
    try {
      if (await deps.store.members.get(invite.collaborationId, userId)) {
        // Already in (added another way, or joined by a claim a crash left unsettled): the invite has
        // served. Spent now, it cannot re-add them at a later sign-in once they left or were removed.
        const now = new Date().toISOString();
        if ((await deps.store.invites.use(invite.id, now, userId)).ok) await deps.store.invites.settle(invite.id, userId);
        continue;
      }
      await useOrThrow(deps, invite, userId);
      await join(deps, invite.collaborationId, invite.createdBy, userId, invite.role, 'email', invite.id);
      await deps.store.invites.settle(invite.id, userId);
    } catch (err) {
      deps.logger.warn({ err, inviteId: invite.id, collaborationId: invite.collaborationId }, 'email invite not claimed');
    }
  }
}

/** Takes a use for the user, or gives back the one they took before a crash cut their join short
 *  (the store keeps it as their claim until `settle`, [D40]). */
async function useOrThrow(deps: InviteDeps, invite: Invite, userId: string): Promise<void> {
  // The inviter's rights are checked before a use is taken, so a dead invite stays countable.
  const inviter = await deps.store.members.get(invite.collaborationId, invite.createdBy);
  if (inviter?.role !== 'owner') throw new TrellisError('gone', 'this invite is no longer valid: the person who sent it can no longer add members');
  const taken = await deps.store.invites.use(invite.id, new Date().toISOString(), userId);
  if (!taken.ok) throw new TrellisError('gone', REFUSAL_MESSAGES[taken.reason]);
}

const REFUSAL_MESSAGES = {
  absent: 'this invite no longer exists',
  revoked: 'this invite was revoked',
  expired: 'this invite has expired',
  used_up: 'this invite has already been used',
} as const;

/** Adds the member through the engine as the inviter; a concurrent join is not an error. Notifies
 *  the new member (email invites) or the inviter (links), and audits the acceptance. */
async function join(deps: InviteDeps, collaborationId: string, inviterId: string, userId: string, role: Role, via: 'email' | 'link', inviteId?: string): Promise<Role> {
  const { store, engine } = deps;
  const outcome = await engine.run({ collaborationId, actor: { kind: 'user', userId: inviterId }, name: 'addMember', params: { userId, role } });
  if (outcome.status !== 'executed') {
    const now = await store.members.get(collaborationId, userId);
    if (outcome.status === 'refused' && outcome.code === 'conflict' && now) return now.role;
    if (outcome.status === 'refused') throw new TrellisError(outcome.code, outcome.message);
    throw new TrellisError('conflict', 'adding a member needs approval here');
  }
  if (inviteId) {
    await auditWrite(store, deps.logger, {
      collaborationId, actor: { kind: 'user', userId }, kind: 'membership', action: 'acceptInvite', outcome: 'executed', detail: { inviteId, via, role },
    });
  }
  const [collab, inviter, member] = await Promise.all([store.collaborations.get(collaborationId), store.users.get(inviterId), store.users.get(userId)]);
  const title = collab?.title ?? 'a collaboration';
  const notify = (to: string, text: string) =>
    store.notifications.create({ id: newId('ntf'), userId: to, collaborationId, kind: 'membership', title: text, ref: collaborationId, createdAt: new Date().toISOString(), readAt: null })
      .catch((err: unknown) => deps.logger.error({ err, collaborationId }, 'membership notification failed'));
  if (via === 'email') await notify(userId, `${inviter?.displayName ?? 'An owner'} added you to “${title}” as ${role}`);
  else await notify(inviterId, `${member?.displayName ?? 'Someone'} joined “${title}” as ${role} with your invite link`);
  return role;
}
