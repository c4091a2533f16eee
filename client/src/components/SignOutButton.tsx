// Sign out, with a warning when edits have not reached the server yet (the save tracker's count, per
// collaboration). The person can wait: the collaborations with unsaved edits are opened in the
// background, and sign-out happens by itself once every change is stored. Or sign out anyway (the
// edits stay on this device and sync at the next sign-in here), or stay.
import { useEffect, useRef, useState } from 'react';
import { appConnection } from '../api/connection.ts';
import { recall } from '../api/offline-cache.ts';
import type { CollaborationSummary } from '../api/types.ts';
import { useConnection } from '../api/useConnection.ts';
import { useAuth } from '../auth/AuthProvider.tsx';
import type { Session } from '../auth/session.ts';
import { DocSession } from '../sync/doc-session.ts';
import { isDocOpen, pendingChanges, subscribePendingChanges } from '../sync/pending-changes.ts';

export function SignOutButton() {
  const { session, signOut } = useAuth();
  const [asking, setAsking] = useState(false);
  const request = () => {
    if (session && pendingChanges(session.user.id).size > 0) setAsking(true);
    else signOut();
  };
  return (
    <>
      <button type="button" className="ghost small" onClick={request}>
        Sign out
      </button>
      {asking && session && <UnsavedChangesDialog session={session} onStay={() => setAsking(false)} onSignOut={signOut} />}
    </>
  );
}

function titleOf(userId: string, collabId: string): string {
  const own = recall<CollaborationSummary>(userId, `collab:${collabId}`)?.title;
  if (own) return own;
  return recall<CollaborationSummary[]>(userId, 'collaborations')?.find((c) => c.id === collabId)?.title ?? 'a collaboration';
}

const plural = (n: number) => `${n} change${n === 1 ? '' : 's'}`;

function UnsavedChangesDialog({ session, onStay, onSignOut }: { session: Session; onStay: () => void; onSignOut: () => void }) {
  const userId = session.user.id;
  const ref = useRef<HTMLDialogElement>(null);
  const connection = useConnection();
  const [pending, setPending] = useState(() => pendingChanges(userId));
  const [waiting, setWaiting] = useState(false);
  const total = [...pending.values()].reduce((a, b) => a + b, 0);

  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);

  useEffect(() => {
    const update = () => setPending(pendingChanges(userId));
    update();
    return subscribePendingChanges(update);
  }, [userId]);

  // While waiting, collaborations with unsaved edits that are not open are opened in the background,
  // so their edits are sent and acknowledged too.
  const waitFor = useRef<string[]>([]);
  useEffect(() => {
    if (!waiting) return;
    const sessions = waitFor.current
      .filter((collabId) => !isDocOpen(userId, collabId))
      .map(
        (collabId) =>
          new DocSession({
            collabId,
            user: { id: userId, displayName: session.user.displayName },
            token: session.token,
            onRefused: () => undefined,
            onConnectTrouble: () => undefined,
            connection: appConnection(),
          }),
      );
    return () => {
      for (const s of sessions) s.destroy();
    };
  }, [waiting, userId, session.user.displayName, session.token]);

  useEffect(() => {
    if (waiting && total === 0) onSignOut();
  }, [waiting, total, onSignOut]);

  const where = [...pending.keys()].map((id) => `“${titleOf(userId, id)}”`).join(', ');
  const blocked = connection === 'offline' ? 'You are offline, so saving waits until you are back online.' : connection === 'unreachable' ? 'The server can’t be reached right now, so saving waits until it answers.' : '';

  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="signout-title"
      aria-describedby="signout-text"
      data-testid="signout-dialog"
      onCancel={(e) => {
        e.preventDefault();
        onStay();
      }}
    >
      <h2 id="signout-title">{total > 0 ? 'Some changes are not saved yet' : 'Everything is saved now'}</h2>
      <div id="signout-text">
        {total > 0 ? (
          <>
            <p>
              {plural(total)} in {where} {total === 1 ? 'has' : 'have'} not reached the server yet. If you sign out now, {total === 1 ? 'it stays' : 'they stay'} on this device and {total === 1 ? 'is' : 'are'} sent the
              next time you sign in here.
            </p>
            {blocked && <p className="hint">{blocked}</p>}
          </>
        ) : (
          <p>Your changes have reached the server.</p>
        )}
      </div>
      {waiting && total > 0 && (
        <p className="dialog-progress" role="status" data-testid="signout-waiting">
          <span className="spinner" aria-hidden="true" /> Saving… {plural(total)} left. You will be signed out once {total === 1 ? 'it is' : 'they are'} stored.
        </p>
      )}
      <div className="row wrap dialog-actions">
        {total === 0 ? (
          <button type="button" className="primary" onClick={onSignOut}>
            Sign out
          </button>
        ) : (
          <>
            {!waiting && (
              <button
                type="button"
                className="primary"
                autoFocus
                onClick={() => {
                  waitFor.current = [...pending.keys()];
                  setWaiting(true);
                }}
              >
                Wait until saved, then sign out
              </button>
            )}
            <button type="button" className="danger" onClick={onSignOut}>
              Sign out anyway
            </button>
          </>
        )}
        <button type="button" className="ghost" onClick={onStay}>
          Stay signed in
        </button>
      </div>
    </dialog>
  );
}
