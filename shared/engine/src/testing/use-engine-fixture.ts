// Vitest hooks around engineFixture: a fresh fixture for every test, closed after it. Kept out of the
// `@trellis/engine/testing` entry so that entry does not import vitest.
import { afterEach, beforeEach } from 'vitest';
import { engineFixture } from './fixture.ts';
import type { EngineFixture } from './fixture.ts';

/** One stable object whose members are swapped for a fresh fixture's before each test. */
export function useEngineFixture(): EngineFixture {
  const f = {} as EngineFixture;
  beforeEach(() => {
    Object.assign(f, engineFixture());
  });
  afterEach(async () => {
    await f.close();
  });
  return f;
}
