// The signed-out start screen.
import { LoginForm } from './LoginForm.tsx';

export function LoginScreen() {
  return (
    <main className="login" id="main">
      <div className="login-card">
        <h1 className="brand-big">
          <img src="/icon.svg" alt="" width="40" height="40" /> Trellis
        </h1>
        <p className="lede">Plan together. Works offline; the AI asks before it acts.</p>
        <LoginForm />
      </div>
    </main>
  );
}
