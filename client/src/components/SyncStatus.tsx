// Always-visible sync state of the open document: offline / connecting / syncing / saved, and how many
// local changes the server has not yet confirmed as stored.
import type { SyncSnapshot } from '../sync/doc-session.ts';

const LABEL = { offline: 'Offline', connecting: 'Connecting…', syncing: 'Syncing…', saved: 'Saved' } as const;

export function SyncStatus({ snapshot }: { snapshot: SyncSnapshot }) {
  const { phase, unsaved, stopped } = snapshot;
  const detail =
    stopped === 'auth' ? 'sign in again to sync' : stopped === 'access' ? 'no access to this collaboration' : unsaved > 0 ? `${unsaved} unsaved change${unsaved === 1 ? '' : 's'}` : phase === 'offline' ? 'edits stay on this device' : '';
  const title = phase === 'saved' ? 'Every change is stored on the server' : phase === 'offline' ? 'Changes are kept on this device and sync when you are back online' : undefined;
  return (
    <div className={`sync sync-${phase}`} data-testid="sync-status" data-phase={phase} data-unsaved={unsaved} role="status" aria-live="polite" title={title}>
      <span className="sync-dot" aria-hidden="true" />
      <span className="sync-label">{LABEL[phase]}</span>
      {detail && <span className="sync-detail">· {detail}</span>}
    </div>
  );
}
