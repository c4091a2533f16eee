// Says, on every screen, when the app works from this device only: the browser is offline, or it is
// online but the server does not answer (then the app keeps retrying, and "Retry now" asks at once).
// The live region stays in the page so screen readers hear the change, also when it clears.
import { appConnection } from '../api/connection.ts';
import { useConnection } from '../api/useConnection.ts';

export function ConnectionBanner() {
  const state = useConnection();
  return (
    <div role="status" aria-live="polite" className="connection-live">
      {state === 'offline' && (
        <div className="banner banner-offline" data-testid="connection-banner" data-state="offline">
          <p>
            <strong>You are offline.</strong> Edits stay on this device and sync when you are back online; creating, inviting and other server actions wait until then.
          </p>
        </div>
      )}
      {state === 'unreachable' && (
        <div className="banner banner-offline" data-testid="connection-banner" data-state="unreachable">
          <p>
            <strong>Can’t reach the server — retrying.</strong> You are online, but the server isn’t answering. Edits stay on this device; creating, inviting and other server actions are paused.{' '}
            <button type="button" className="link" onClick={() => appConnection().check()}>
              Retry now
            </button>
          </p>
        </div>
      )}
    </div>
  );
}
