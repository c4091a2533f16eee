// Screens that few people open (rules and policy, settings, audit, members, digest, inbox) are separate chunks, fetched the
// first time they are shown: `deferred(() => import(...), 'Name')` makes the lazy component, and
// <Deferred> shows an announced loading state meanwhile and, if the chunk cannot be fetched (offline
// before the service worker cached it, or a deploy replaced it), says so with a way to retry.
import { Component, lazy, Suspense } from 'react';
import type { ComponentType, ReactNode } from 'react';
import { Loading } from './States.tsx';

export function deferred<M, K extends keyof M>(load: () => Promise<M>, name: K): M[K] {
  return lazy(async () => ({ default: (await load())[name] as ComponentType<unknown> })) as M[K];
}

export function Deferred({ label, children }: { label: string; children: ReactNode }) {
  return (
    <ChunkBoundary>
      <Suspense fallback={<Loading label={label} />}>{children}</Suspense>
    </ChunkBoundary>
  );
}

class ChunkBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="state state-error" role="alert">
        <p>This section could not be loaded. Check the connection, then reload.</p>
        <button type="button" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
