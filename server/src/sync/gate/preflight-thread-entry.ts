// Worker-thread side of the pre-flight (preflight-thread.ts): reads each update it is sent with
// preflightUpdate and answers in order. Holds no document and no state between updates.
import { parentPort, workerData } from 'node:worker_threads';
import type { PreflightLimits } from './preflight-update.ts';
import { preflightUpdate } from './preflight-update.ts';

const limits = (workerData as { limits: PreflightLimits }).limits;
parentPort!.on('message', (msg: { id: number; update: Uint8Array }) => {
  let result;
  try {
    result = preflightUpdate(msg.update, limits);
  } catch {
    // Whatever the reading did not foresee: the gate would not take it either.
    result = { ok: false, code: 'malformed', message: 'malformed update' } as const;
  }
  parentPort!.postMessage({ id: msg.id, result });
});
parentPort!.postMessage('ready');
