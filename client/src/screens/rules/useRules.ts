// The stored rules of a collaboration: loaded once, saved through the rules API. The editor keeps
// its own working copy; this hook is the only place that talks to the server about rules.
import { useEffect, useState } from 'react';
import type { RuleDefinition } from '@trellis/schema';
import { describeError } from '../../api/api-error.ts';
import { useApi } from '../../api/ApiProvider.tsx';
import { cancellableThen } from '../../api/cancellable-then.ts';
import { useBusyTask } from '../useBusyTask.ts';

export function useRules(collabId: string) {
  const api = useApi();
  /** As the server sent them: the editor parses each one (a rule it cannot read stays JSON). */
  const [rules, setRules] = useState<unknown[] | null>(null);
  const [error, setError] = useState('');
  const { busy: saving, runTask } = useBusyTask(setError);

  useEffect(
    () =>
      cancellableThen(api.getRules(collabId), setRules, (err) => {
        setRules([]);
        setError(describeError(err));
      }),
    [api, collabId],
  );

  const save = (next: RuleDefinition[], onSaved: () => void) =>
    runTask(async () => {
      await api.putRules(collabId, next);
      onSaved();
    });

  return { rules, error, saving, save };
}
