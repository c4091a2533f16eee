// Shown when the token expired or was refused: local edits stay on this device and sync again after
// signing in; nothing on screen is thrown away. Escape closes the sign-in form it opened.
import { useEffect, useRef, useState } from 'react';
import { useAuth } from './AuthProvider.tsx';
import { LoginForm } from './LoginForm.tsx';

export function ReloginBanner() {
  const { expired, session } = useAuth();
  const [open, setOpen] = useState(false);
  const opener = useRef<HTMLButtonElement>(null);
  const closedByKey = useRef(false);
  useEffect(() => {
    if (open || !closedByKey.current) return;
    closedByKey.current = false;
    opener.current?.focus();
  }, [open]);
  if (!expired) return null;
  return (
    <div className="banner banner-warning" role="alert" data-testid="relogin">
      <p>
        Your session has expired. Your edits are kept on this device and will sync after you sign in again.{' '}
        {!open && (
          <button ref={opener} type="button" className="link" onClick={() => setOpen(true)}>
            Sign in again
          </button>
        )}
      </p>
      {open && (
        <div
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            e.preventDefault();
            closedByKey.current = true;
            setOpen(false);
          }}
        >
          <LoginForm initialEmail={session?.user.email ?? ''} compact />
        </div>
      )}
    </div>
  );
}
