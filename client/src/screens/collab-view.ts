// What every panel of an open collaboration receives.
import type { PolicyOverrides, Role } from '@trellis/schema';
import type { ServerAvailability } from '../api/useConnection.ts';
import type { SessionUser } from '../auth/session.ts';
import type { DocSession, SyncSnapshot } from '../sync/doc-session.ts';

export interface CollabView {
  collabId: string;
  session: DocSession;
  /** The document's sync state (has it synced since it opened? is the server there?). */
  sync: SyncSnapshot;
  /** Whether actions that need the server (REST) can run now; they are disabled with a reason if not. */
  server: ServerAvailability;
  /** Null while unknown (offline with no cached metadata): the server stays the judge. */
  role: Role | null;
  canEdit: boolean;
  isOwner: boolean;
  policy: PolicyOverrides;
  me: SessionUser;
  name: (userId: string) => string;
  /** Re-read the collaboration (role, policy) after a governance change. */
  reload: () => void;
}

/** This device's copy has not synced since it opened and cannot now: an empty list proves nothing. */
export function neverSynced(view: CollabView): boolean {
  const { phase, synced } = view.sync;
  return !synced && (phase === 'offline' || phase === 'unreachable' || phase === 'stopped');
}
