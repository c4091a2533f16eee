// The app shell: providers, the auth gate, the header and the hash-routed screens.
import { ApiProvider } from './api/ApiProvider.tsx';
import { LiveProvider } from './api/LiveProvider.tsx';
import { AuthProvider, useAuth } from './auth/AuthProvider.tsx';
import { LoginScreen } from './auth/LoginScreen.tsx';
import { ReloginBanner } from './auth/ReloginBanner.tsx';
import { ConnectionBanner } from './components/ConnectionBanner.tsx';
import { Header } from './components/Header.tsx';
import { ToastProvider } from './components/Toasts.tsx';
import { useRoute } from './routing/useRoute.ts';
import { CollaborationScreen } from './screens/CollaborationScreen.tsx';
import { CollaborationsScreen } from './screens/CollaborationsScreen.tsx';
import { Deferred, deferred } from './components/Deferred.tsx';

// Screens reached from the header or a link, not the first paint: fetched when first shown.
const InboxScreen = deferred(() => import('./screens/InboxScreen.tsx'), 'InboxScreen');
const NotificationsScreen = deferred(() => import('./screens/NotificationsScreen.tsx'), 'NotificationsScreen');
const InviteScreen = deferred(() => import('./screens/InviteScreen.tsx'), 'InviteScreen');

export function App() {
  return (
    <AuthProvider>
      <ToastProvider>
        <ApiProvider>
          <Gate />
        </ApiProvider>
      </ToastProvider>
    </AuthProvider>
  );
}

function Gate() {
  const { session } = useAuth();
  if (!session) return <LoginScreen />;
  return (
    <LiveProvider>
      <Shell key={session.user.id} />
    </LiveProvider>
  );
}

function Shell() {
  const route = useRoute();
  return (
    <div className="shell">
      <Header route={route} />
      <ConnectionBanner />
      <ReloginBanner />
      <main id="main" tabIndex={-1} className="content">
        {route.name === 'list' && <CollaborationsScreen />}
        {route.name === 'collab' && <CollaborationScreen key={route.id} id={route.id} tab={route.tab} />}
        {route.name === 'inbox' && (
          <Deferred label="Loading the inbox…">
            <InboxScreen />
          </Deferred>
        )}
        {route.name === 'notifications' && (
          <Deferred label="Loading the notifications…">
            <NotificationsScreen />
          </Deferred>
        )}
        {route.name === 'invite' && (
          <Deferred label="Loading the invitation…">
            <InviteScreen key={route.token} token={route.token} />
          </Deferred>
        )}
      </main>
    </div>
  );
}
