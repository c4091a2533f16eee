// Shared plumbing of the conformance suites: a fresh store around every test.
import { afterEach, beforeEach } from 'vitest';
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
