// Loading, empty and error states, worded for people.
import type { ReactNode } from 'react';
import { ApiError, describeLoadError } from '../api/api-error.ts';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="state state-empty">{children}</p>;
}

/**
 * Why something did not load: a server error as an alert; no answer from the server (offline, or it
 * cannot be reached, which the connection banner already says) as a calm note.
 */
export function LoadError({ error, what }: { error: unknown; what: string }) {
  if (!error) return null;
  if (error instanceof ApiError && error.noAnswer) {
    return (
      <p className="state state-unavailable" data-testid="not-loaded">
        {describeLoadError(error, what)}
      </p>
    );
  }
  return <ErrorText>{describeLoadError(error, what)}</ErrorText>;
}

export function ErrorText({ children }: { children: ReactNode }) {
  if (!children) return null;
  return (
    <p className="state state-error" role="alert">
      {children}
    </p>
  );
}
