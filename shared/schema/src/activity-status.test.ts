// The activity status state machine [G5].
import { describe, expect, it } from 'vitest';
import { activityTransition, readActivityStatus } from './activity-status.ts';
import { ActivityStatus } from './activity.ts';

const ALLOWED: Record<string, string> = {
  'proposed>scheduled': 'scheduleActivity', 'proposed>done': 'completeActivity', 'proposed>cancelled': 'cancelActivity',
  'scheduled>scheduled': 'scheduleActivity', 'scheduled>done': 'completeActivity', 'scheduled>cancelled': 'cancelActivity',
  'done>done': 'completeActivity', 'done>proposed': 'reopenActivity', 'done>scheduled': 'reopenActivity',
  'cancelled>cancelled': 'cancelActivity', 'cancelled>proposed': 'reopenActivity', 'cancelled>scheduled': 'reopenActivity',
};

describe('activity status state machine', () => {
  it('[G5] every pair of statuses: allowed exactly as the table says, as its one action', () => {
    for (const from of ActivityStatus.options) {
      for (const to of ActivityStatus.options) {
        const t = activityTransition(from, to);
        const expected = ALLOWED[`${from}>${to}`];
        expect(t.ok ? t.action : null, `${from} → ${to}`).toBe(expected ?? null);
      }
    }
  });

  it('[G5] closed activities come back only through reopenActivity', () => {
    expect(activityTransition('cancelled', 'scheduled', 'scheduleActivity')).toMatchObject({ ok: false, message: expect.stringContaining('reopen') });
    expect(activityTransition('done', 'cancelled')).toMatchObject({ ok: false });
    expect(activityTransition('cancelled', 'done')).toMatchObject({ ok: false });
    expect(activityTransition('cancelled', 'scheduled', 'reopenActivity')).toEqual({ ok: true, action: 'reopenActivity' });
    expect(activityTransition('scheduled', 'proposed')).toMatchObject({ ok: false });
  });

  it('[G5] an unreadable status counts as proposed', () => {
    expect(readActivityStatus('archived')).toBeNull();
    expect(activityTransition(readActivityStatus(42), 'done')).toEqual({ ok: true, action: 'completeActivity' });
  });
});
