// Members and roles. The owner adds people by user id, changes roles and removes members.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { ID_PATTERN, Role } from '@trellis/schema';
import { useApi } from '../api/ApiProvider.tsx';
import type { Member } from '../api/types.ts';
import { HiddenLabel } from '../components/HiddenLabel.tsx';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { Empty, ErrorText } from '../components/States.tsx';
import { useToast } from '../components/Toasts.tsx';
import type { CollabView } from './collab-view.ts';
import { useBusyTask } from './useBusyTask.ts';

const ROLES = Role.options;

export function MembersPanel({ view, members, onChanged }: { view: CollabView; members: Member[]; onChanged: () => void }) {
  const api = useApi();
  const toast = useToast();
  const [userId, setUserId] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [error, setError] = useState('');
  const { busy, runTask } = useBusyTask(setError);
  // Adding, removing and role changes are REST calls: they need the server.
  const locked = busy || !view.server.available;
  const reasonId = describedBy('members-needs-server', view.server);

  const guard = (what: string, fn: () => Promise<void>) =>
    runTask(async () => {
      await fn();
      toast('success', what);
      onChanged();
    });

  const add = (e: FormEvent) => {
    e.preventDefault();
    const id = userId.trim();
    if (!view.server.available) return;
    if (!ID_PATTERN.test(id)) return setError('A user id is 1–64 letters, digits, “_” or “-”.');
    void guard(`Added ${view.name(id)} as ${role}.`, async () => {
      await api.addMember(view.collabId, id, role);
      setUserId('');
    });
  };

  return (
    <div className="members">
      <p className="hint">
        Your user id: <code data-testid="my-user-id">{view.me.id}</code> — share it so an owner can add you.
      </p>
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
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Member</th>
              <th scope="col">Role</th>
              {view.isOwner && <th scope="col"><span className="sr-only">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr key={m.userId}>
                <td>
                  <span className="member-name">{m.displayName ?? view.name(m.userId)}</span>
                  {m.userId === view.me.id && <span className="hint"> (you)</span>}
                  <br />
                  <code className="small-id">{m.userId}</code>
                </td>
                <td>
                  {view.isOwner ? (
                    <select
                      aria-label={`Role of ${m.displayName ?? m.userId}`}
                      value={m.role}
                      disabled={locked}
                      aria-describedby={reasonId}
                      onChange={(e) => {
                        const next = e.target.value as Role;
                        void guard(`Role changed to ${next}.`, () => api.changeRole(view.collabId, m.userId, next));
                      }}
                    >
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
                    <button type="button" className="small danger" disabled={locked} aria-describedby={reasonId} onClick={() => void guard('Member removed.', () => api.removeMember(view.collabId, m.userId))}>
                      Remove
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view.isOwner && (
        <form className="card add-member" onSubmit={add}>
          <h2>Add a member</h2>
          <div className="row wrap">
            <HiddenLabel htmlFor="member-id">User id</HiddenLabel>
            <input id="member-id" placeholder="User id" value={userId} onChange={(e) => setUserId(e.target.value)} disabled={busy} />
            <HiddenLabel htmlFor="member-role">Role</HiddenLabel>
            <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as Role)} disabled={busy}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
            <button type="submit" className="primary" disabled={locked || !userId.trim()} aria-describedby={reasonId}>
              Add
            </button>
          </div>
        </form>
      )}
      <ErrorText>{error}</ErrorText>
    </div>
  );
}
