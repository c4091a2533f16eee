// Lookups by id refuse ambiguity ([P9]): a document that holds two activities with one id (stored
// before the gate refused duplicates, or written by a buggy integration) never has "the first one"
// completed in the owner's name.
import { describe, expect, it } from 'vitest';
import { appendActivity, readActivities } from '@trellis/schema';
import type { Actor } from '@trellis/schema';
import { useEngineFixture } from './testing/use-engine-fixture.ts';

const owner: Actor = { kind: 'user', userId: 'owner1' };
const f = useEngineFixture();

describe('lookups by id', () => {
  it('[P9] completeActivity on an id two activities share is refused and changes neither', async () => {
    const c = await f.collaboration({ editor1: 'editor' });
    await f.docs.change(c.id, 'test', (doc) => {
      appendActivity(doc, { id: 'act_same', title: 'Decoy by the editor', proposedBy: 'editor1' });
      appendActivity(doc, { id: 'act_same', title: 'Plan the hike', proposedBy: 'owner1' });
    });
    const outcome = await f.engine.run({ collaborationId: c.id, actor: owner, name: 'completeActivity', params: { activityId: 'act_same' } });
    expect(outcome.status).toBe('refused');
    const stored = readActivities(await f.storedDoc(c.id));
    expect(stored.map((a) => a.status)).toEqual(['proposed', 'proposed']);
  });
});
