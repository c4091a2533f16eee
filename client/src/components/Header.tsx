// The top bar: home, inbox and notifications with badges, and the signed-in user.
import { useLive } from '../api/LiveProvider.tsx';
import { useAuth } from '../auth/AuthProvider.tsx';
import type { Route } from '../routing/route.ts';
import { SignOutButton } from './SignOutButton.tsx';

export function Header({ route }: { route: Route }) {
  const { session } = useAuth();
  const live = useLive();
  const current = (name: Route['name']) => (route.name === name ? 'page' : undefined);
  return (
    <header className="topbar">
      <a className="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <a className="brand" href="#/" aria-current={current('list')}>
        <img src="/icon.svg" alt="" width="28" height="28" />
        <span>Trellis</span>
      </a>
      <nav className="topnav" aria-label="Main">
        <a href="#/" aria-current={current('list')}>
          <span className="hide-narrow">Collaborations</span>
          <span className="show-narrow">Home</span>
        </a>
        <a href="#/inbox" aria-current={current('inbox')} data-testid="nav-inbox">
          Inbox
          {live.pendingApprovals > 0 && (
            <span className="badge" data-testid="inbox-badge" aria-label={`${live.pendingApprovals} pending approvals`}>
              {live.pendingApprovals}
            </span>
          )}
        </a>
        <a href="#/notifications" aria-current={current('notifications')}>
          <span className="hide-narrow">Notifications</span>
          <span className="show-narrow">Alerts</span>
          {live.unreadNotifications > 0 && (
            <span className="badge" aria-label={`${live.unreadNotifications} unread`}>
              {live.unreadNotifications}
            </span>
          )}
        </a>
      </nav>
      <div className="me">
        <span className="me-name hide-narrow" title={session?.user.email ?? ''} data-testid="me">
          {session?.user.displayName}
        </span>
        <SignOutButton />
      </div>
    </header>
  );
}
