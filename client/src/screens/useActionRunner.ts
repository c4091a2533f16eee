// Runs an action through the REST action API and says what happened in words: done, waiting for the
// owner's approval (202), not allowed (403), invalid (400) or offline.
import { useCallback } from 'react';
import { ApiError, describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import { useLive } from '../api/LiveProvider.tsx';
import { useToast } from '../components/Toasts.tsx';
import { actionLabel } from '../text/format.ts';

export type ActionResult = { ok: true; pending: boolean; message: string } | { ok: false; message: string };

/** `onForbidden` lets the screen re-read the policy: a 403 usually means it changed meanwhile. */
export function useActionRunner(collabId: string, onForbidden?: () => void) {
  const api = useApi();
  const toast = useToast();
  const live = useLive();
  return useCallback(
    async (name: string, params: Record<string, unknown>): Promise<ActionResult> => {
      try {
        const outcome = await api.runAction(collabId, name, params);
        if (outcome.kind === 'pending') {
          const message = `${actionLabel(name)}: waiting for owner approval.`;
          toast('info', message);
          live.refresh();
          return { ok: true, pending: true, message };
        }
        return { ok: true, pending: false, message: `${actionLabel(name)}: done.` };
      } catch (err) {
        if (err instanceof ApiError && err.status === 403) onForbidden?.();
        const message = `${actionLabel(name)} failed. ${describeError(err)}`;
        toast('error', message);
        return { ok: false, message };
      }
    },
    [api, collabId, toast, live, onForbidden],
  );
}
