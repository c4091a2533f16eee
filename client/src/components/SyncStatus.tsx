// Always-visible sync state of the open document: offline (the browser has no network), can't reach
// the server (the browser is online, the server does not answer), can't open it (the server answers
// but refuses to open this document), not syncing (refused for good),
// connecting / syncing / saved, and how many local changes the server has not yet confirmed as stored.
import type { SyncPhase, SyncSnapshot } from '../sync/doc-session.ts';

const LABEL: Record<SyncPhase, string> = {
  offline: 'Offline',
  unreachable: 'Can’t reach the server — retrying',
  unavailable: 'The server can’t open this collaboration — retrying',
  stopped: 'Not syncing',
  connecting: 'Connecting…',
  syncing: 'Syncing…',
  saved: 'Saved',
};

const TITLE: Partial<Record<SyncPhase, string>> = {
  saved: 'Every change is stored on the server',
  offline: 'This device is offline. Changes are kept here and sync when you are back online.',
  unreachable: 'You are online, but the server does not answer. Changes are kept on this device and sync once it does.',
  unavailable: 'The server answers, but could not open this collaboration. Changes are kept on this device. If this lasts, tell whoever runs your Trellis server.',
};

export function SyncStatus({ snapshot }: { snapshot: SyncSnapshot }) {
  const { phase, unsaved, stopped } = snapshot;
  const detail =
    stopped === 'auth'
      ? 'sign in again to sync'
      : stopped === 'access'
        ? 'no access to this collaboration'
        : unsaved > 0
          ? `${unsaved} unsaved change${unsaved === 1 ? '' : 's'}`
          : phase === 'offline' || phase === 'unreachable' || phase === 'unavailable'
            ? 'edits stay on this device'
            : '';
  return (
    <div className={`sync sync-${phase}`} data-testid="sync-status" data-phase={phase} data-unsaved={unsaved} role="status" aria-live="polite" title={TITLE[phase]}>
      <span className="sync-dot" aria-hidden="true" />
      <span className="sync-label">{LABEL[phase]}</span>
      {detail && <span className="sync-detail">· {detail}</span>}
    </div>
  );
}
