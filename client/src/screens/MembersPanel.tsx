// Members and roles. People are shown by name and email. Owners invite by email (a known person joins
// at once, anyone else when they first sign in) or by a link to copy; they change roles and remove
// members, confirming anything that takes rights away. The last owner cannot be removed or downgraded,
// and the controls say so instead of failing.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { Role } from '@trellis/schema';
import { useApi } from '../api/ApiProvider.tsx';
import type { CreatedInvite, InviteItem, Member } from '../api/types.ts';
import { HiddenLabel } from '../components/HiddenLabel.tsx';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { Empty, ErrorText } from '../components/States.tsx';
import { useToast } from '../components/Toasts.tsx';
import { formatTime } from '../text/format.ts';
import type { CollabView } from './collab-view.ts';
import { useBusyTask } from './useBusyTask.ts';

const ROLES = Role.options;
const RANK: Record<Role, number> = { owner: 3, editor: 2, viewer: 1 };
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const LAST_OWNER_REASON = 'The only owner can’t be removed or downgraded: make someone else an owner first.';

type Pending = { kind: 'role'; member: Member; role: Role } | { kind: 'remove'; member: Member } | null;

export function MembersPanel({ view, members, onChanged }: { view: CollabView; members: Member[]; onChanged: () => void }) {
  const api = useApi();
  const toast = useToast();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [linkRole, setLinkRole] = useState<Role>('editor');
  const [link, setLink] = useState<CreatedInvite | null>(null);
  const [invites, setInvites] = useState<InviteItem[]>([]);
  const [pending, setPendingState] = useState<Pending>(null);
  // The control that asked for the confirmation gets focus back when it closes (Escape, Cancel).
  const opener = useRef<HTMLElement | null>(null);
  const setPending = (p: Pending) => {
    if (p) opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setPendingState(p);
  };
  const dismiss = () => {
    setPendingState(null);
    const el = opener.current;
    requestAnimationFrame(() => el?.isConnected && el.focus());
  };
  const [error, setError] = useState('');
  const { busy, runTask } = useBusyTask(setError);
  // Adding, removing, role changes and invites are REST calls: they need the server.
  const locked = busy || !view.server.available;
  const reasonId = describedBy('members-needs-server', view.server);
  const owners = members.filter((m) => m.role === 'owner').length;
  const nameOf = (m: Member) => m.displayName ?? view.name(m.userId);

  const loadInvites = useCallback(() => {
    if (!view.isOwner) return;
    api.listInvites(view.collabId).then(setInvites, () => undefined);
  }, [api, view.collabId, view.isOwner]);
  useEffect(loadInvites, [loadInvites, members]);

  const guard = (what: string, fn: () => Promise<void>) =>
    runTask(async () => {
      await fn();
      if (what) toast('success', what);
      onChanged();
      loadInvites();
    });

  const inviteByEmail = (e: FormEvent) => {
    e.preventDefault();
    const address = email.trim();
    if (!view.server.available) return;
    if (!EMAIL.test(address)) return setError('Enter an email address, like name@example.com.');
    void guard('', async () => {
      const result = await api.inviteByEmail(view.collabId, address, role);
      toast('success', result === 'added' ? `Added ${address} as ${role}.` : `Invited ${address} as ${role}: they join when they first sign in with that email.`);
      setEmail('');
    });
  };

  const createLink = () =>
    void guard('', async () => {
      setLink(await api.createInvite(view.collabId, linkRole));
    });

  const copyLink = async () => {
    if (!link) return;
    try {
      await navigator.clipboard.writeText(link.url);
      toast('success', 'Invite link copied.');
    } catch {
      // No clipboard permission (an insecure origin, a denied prompt): select it for a manual copy.
      (document.getElementById('invite-link-url') as HTMLInputElement | null)?.select();
      toast('info', 'Select the link and copy it.');
    }
  };

  const changeRole = (m: Member, next: Role) => {
    if (next === m.role) return;
    if (RANK[next] < RANK[m.role]) setPending({ kind: 'role', member: m, role: next });
    else void guard(`${nameOf(m)} is now ${next}.`, () => api.changeRole(view.collabId, m.userId, next));
  };

  const confirm = () => {
    const p = pending;
    setPending(null);
    if (!p) return;
    if (p.kind === 'role') void guard(`${nameOf(p.member)} is now ${p.role}.`, () => api.changeRole(view.collabId, p.member.userId, p.role));
    else void guard(`${nameOf(p.member)} was removed.`, () => api.removeMember(view.collabId, p.member.userId));
  };

  const openInvites = invites.filter((i) => i.status === 'open');

  return (
    <div className="members">
      {view.isOwner && <NeedsServer id="members-needs-server" what="Adding members, removing them and changing roles" availability={view.server} />}
      {members.length === 0 ? (
        <Empty>
          {view.server.state === 'offline'
            ? 'The member list was not saved on this device. It shows once you are back online.'
            : view.server.state === 'unreachable'
              ? 'The member list was not saved on this device. It shows once the server can be reached.'
              : 'No member list available.'}
        </Empty>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Member</th>
                <th scope="col">Role</th>
                {view.isOwner && <th scope="col"><span className="sr-only">Actions</span></th>}
              </tr>
            </thead>
            <tbody>
              {members.map((m) => {
                const lastOwner = m.role === 'owner' && owners <= 1;
                const describe = lastOwner ? 'last-owner-reason' : reasonId;
                return (
                  <tr key={m.userId} data-testid="member-row">
                    <td>
                      <span className="member-name">{nameOf(m)}</span>
                      {m.userId === view.me.id && <span className="hint"> (you)</span>}
                      {m.email && (
                        <>
                          <br />
                          <span className="hint member-email">{m.email}</span>
                        </>
                      )}
                    </td>
                    <td>
                      {view.isOwner ? (
                        <select aria-label={`Role of ${nameOf(m)}`} value={m.role} disabled={locked || lastOwner} aria-describedby={describe} onChange={(e) => changeRole(m, e.target.value as Role)}>
                          {ROLES.map((r) => (
                            <option key={r} value={r}>
                              {r}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <span className={`role role-${m.role}`}>{m.role}</span>
                      )}
                    </td>
                    {view.isOwner && (
                      <td>
                        <button type="button" className="small danger" disabled={locked || lastOwner} aria-describedby={describe} aria-label={`Remove ${nameOf(m)}`} onClick={() => setPending({ kind: 'remove', member: m })}>
                          Remove
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      {view.isOwner && owners <= 1 && (
        <p id="last-owner-reason" className="hint" data-testid="last-owner-reason">
          {LAST_OWNER_REASON}
        </p>
      )}
      {pending && (
        <div
          className="card confirm"
          role="alertdialog"
          aria-labelledby="confirm-text"
          data-testid="confirm"
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.preventDefault();
              dismiss();
            }
          }}
        >
          <p id="confirm-text">
            {pending.kind === 'remove'
              ? `Remove ${nameOf(pending.member)}? They lose access to this collaboration at once.`
              : `Change ${nameOf(pending.member)} from ${pending.member.role} to ${pending.role}? ${pending.role === 'viewer' ? 'They will no longer be able to change anything.' : 'They will no longer manage members, rules or policy.'}`}
          </p>
          <div className="row">
            <button type="button" className="danger" onClick={confirm} autoFocus>
              {pending.kind === 'remove' ? 'Remove' : `Make ${pending.role}`}
            </button>
            <button type="button" onClick={dismiss}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {view.isOwner && (
        <>
          <form className="card add-member" onSubmit={inviteByEmail}>
            <h2>Invite by email</h2>
            <p className="hint">Someone who already uses Trellis joins at once; anyone else joins when they first sign in with this email.</p>
            <div className="row wrap">
              <HiddenLabel htmlFor="member-email">Email</HiddenLabel>
              <input id="member-email" type="email" autoComplete="off" placeholder="name@example.com" value={email} onChange={(e) => setEmail(e.target.value)} disabled={busy} />
              <HiddenLabel htmlFor="member-role">Role</HiddenLabel>
              <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as Role)} disabled={busy}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <button type="submit" className="primary" disabled={locked || !email.trim()} aria-describedby={reasonId}>
                Invite
              </button>
            </div>
          </form>
          <div className="card add-member">
            <h2>Invite link</h2>
            <p className="hint">A link for one person, valid for 7 days.</p>
            <div className="row wrap">
              <HiddenLabel htmlFor="link-role">Role for the link</HiddenLabel>
              <select id="link-role" value={linkRole} onChange={(e) => setLinkRole(e.target.value as Role)} disabled={busy}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {r}
                  </option>
                ))}
              </select>
              <button type="button" onClick={createLink} disabled={locked} aria-describedby={reasonId}>
                Create invite link
              </button>
            </div>
            {link && (
              <div className="row wrap invite-link">
                <HiddenLabel htmlFor="invite-link-url">Invite link</HiddenLabel>
                <input id="invite-link-url" readOnly value={link.url} onFocus={(e) => e.target.select()} data-testid="invite-link" />
                <button type="button" className="primary" onClick={() => void copyLink()}>
                  Copy link
                </button>
              </div>
            )}
            {openInvites.length > 0 && (
              <>
                <h3>Open invites</h3>
                <ul className="invites" data-testid="open-invites">
                  {openInvites.map((i) => (
                    <li key={i.id}>
                      {i.kind === 'email' ? i.email : 'Link'} · {i.role}
                      {i.expiresAt && <span className="hint"> · until {formatTime(i.expiresAt)}</span>}{' '}
                      <button type="button" className="small" disabled={locked} onClick={() => void guard('Invite revoked.', () => api.revokeInvite(view.collabId, i.id))}>
                        Revoke
                      </button>
                    </li>
                  ))}
                </ul>
              </>
            )}
          </div>
        </>
      )}
      <ErrorText>{error}</ErrorText>
    </div>
  );
}
