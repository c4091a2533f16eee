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
import { InboxScreen } from './screens/InboxScreen.tsx';
import { InviteScreen } from './screens/InviteScreen.tsx';
import { NotificationsScreen } from './screens/NotificationsScreen.tsx';

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
        {route.name === 'inbox' && <InboxScreen />}
        {route.name === 'notifications' && <NotificationsScreen />}
        {route.name === 'invite' && <InviteScreen key={route.token} token={route.token} />}
      </main>
    </div>
  );
}
