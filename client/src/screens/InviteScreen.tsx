// Opening an invite link (`#/invite/<token>`): the sign-in gate comes first, then the link is
// accepted once and the collaboration opens. A used, expired or revoked link says which (SPEC [I3]).
import { useEffect, useRef, useState } from 'react';
import { ApiError, describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { useLive } from '../api/LiveProvider.tsx';
import { ErrorText, Loading } from '../components/States.tsx';
import { useToast } from '../components/Toasts.tsx';
import { hrefFor } from '../routing/route.ts';

export function InviteScreen({ token }: { token: string }) {
  const api = useApi();
  const toast = useToast();
  const live = useLive();
  const [error, setError] = useState('');
  const started = useRef(false);

  useEffect(() => {
    // Once per token: accepting is idempotent for a member, but one request is the honest count.
    if (started.current) return;
    started.current = true;
    api.acceptInvite(token).then(
      ({ collaborationId, role }) => {
        toast('success', `You joined as ${role}.`);
        live.refresh();
        location.replace(hrefFor({ name: 'collab', id: collaborationId, tab: 'board' }));
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 410) setError(`${err.message.charAt(0).toUpperCase()}${err.message.slice(1)}. Ask the person who sent it for a new link.`);
        else if (err instanceof ApiError && err.status === 404) setError('This invite link is not valid. Check that you copied all of it, or ask for a new one.');
        else setError(describeError(err));
      },
    );
  }, [api, token, toast, live]);

  return (
    <section className="page" aria-labelledby="invite-title">
      <h1 id="invite-title">Joining a collaboration</h1>
      {error ? (
        <>
          <ErrorText>{error}</ErrorText>
          <a href={hrefFor({ name: 'list' })}>Go to your collaborations</a>
        </>
      ) : (
        <Loading label="Accepting the invite…" />
      )}
    </section>
  );
}
