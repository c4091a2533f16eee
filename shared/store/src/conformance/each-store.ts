// Shared plumbing of the conformance suites: a fresh store around every test, and a stored
// document read back as a restart would load it.
import { afterEach, beforeEach } from 'vitest';
import * as Y from 'yjs';
import { applyLoaded } from '../apply-loaded.ts';
import type { Store } from '../types.ts';
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

/** The document as stored (snapshot + later updates). */
export async function loadStoredDoc(store: Store, collaborationId: string): Promise<Y.Doc> {
  const doc = new Y.Doc();
  applyLoaded(doc, await store.docs.load(collaborationId));
  return doc;
}
