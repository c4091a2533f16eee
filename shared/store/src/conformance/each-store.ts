// Shared plumbing of the conformance suites: a fresh store around every test, a one-edit update,
// and waiting for what a tail delivers.
import { afterEach, beforeEach } from 'vitest';
import * as Y from 'yjs';
import type { ConformanceSetup } from './suite.ts';

/** Opens a store before each test (handed to `use`) and cleans it up after. */
export function eachStore(setup: () => Promise<ConformanceSetup>, use: (opened: ConformanceSetup) => void): void {
  let current: ConformanceSetup | null = null;
  beforeEach(async () => {
    current = await setup();
    use(current);
  });
  afterEach(async () => {
    await current?.cleanup();
    current = null;
  });
}

/** A fresh document's update inserting `text` (each from its own client, so they never collide). */
export function textUpdate(text: string): Uint8Array {
  const doc = new Y.Doc();
  doc.getText('t').insert(0, text);
  return Y.encodeStateAsUpdate(doc);
}

/** Polls `cond` until it holds; fails naming `what` after `ms`. */
export async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
