// A save or change the screen waits on: `busy` while it runs, the error cleared first and set to a readable
// message if it fails. The caller owns the error text (it also shows load and validation errors).
import { useState } from 'react';
import { describeError } from '../api/api-error.ts';

export function useBusyTask(setError: (message: string) => void) {
  const [busy, setBusy] = useState(false);

  const runTask = async (task: () => Promise<void>) => {
    setBusy(true);
    setError('');
    try {
      await task();
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return { busy, runTask };
}
