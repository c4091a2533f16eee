// Worker-thread side of the pre-flight (preflight-thread.ts): reads each update it is sent with
// preflightUpdate, or loads a stored document on trial, and answers in order. Holds no document and
// no state between messages.
import { parentPort, workerData } from 'node:worker_threads';
import * as Y from 'yjs';
import type { PreflightLimits, PreflightResult } from './preflight-update.ts';
import { preflightUpdate } from './preflight-update.ts';

type Request = { id: number; kind: 'update'; update: Uint8Array } | { id: number; kind: 'load'; parts: Uint8Array[] };

const limits = (workerData as { limits: PreflightLimits }).limits;
const MALFORMED = { ok: false, code: 'malformed', message: 'malformed update' } as const;

/** Integrate a stored document as the server would (one transaction); what it costs is the question. */
function trialLoad(parts: Uint8Array[]): PreflightResult {
  const started = performance.now();
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const p of parts) Y.applyUpdate(doc, p);
  });
  const ms = performance.now() - started;
  doc.destroy();
  return { ok: true, ms };
}

parentPort!.on('message', (msg: Request) => {
  let result: PreflightResult;
  try {
    result = msg.kind === 'update' ? preflightUpdate(msg.update, limits) : trialLoad(msg.parts);
  } catch {
    // Whatever the reading did not foresee: the gate would not take it either.
    result = MALFORMED;
  }
  parentPort!.postMessage({ id: msg.id, result });
});
parentPort!.postMessage('ready');
