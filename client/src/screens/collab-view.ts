// What every panel of an open collaboration receives.
import type { PolicyOverrides, Role } from '@trellis/schema';
import type { SessionUser } from '../auth/session.ts';
import type { DocSession } from '../sync/doc-session.ts';

export interface CollabView {
  collabId: string;
  session: DocSession;
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
