import { describe, expect, it } from 'vitest';
import type { HistoryGroup } from '../../api/types.ts';
import { stepsFromDocument, stepsFromHistory } from './status-history.ts';

const name = (id: string) => `name:${id}`;
const group = (at: string, actor: HistoryGroup['actor'], changes: HistoryGroup['changes']): HistoryGroup => ({ id: at, at, actor, summary: '', changes });

describe('status history', () => {
  it('reads creation and status changes of one activity, oldest first, naming who', () => {
    const groups = [
      group('2026-01-03', { kind: 'ai', id: 'ai' }, [{ root: 'activities', itemId: 'a1', field: 'status', before: 'done', after: 'proposed' }]),
      group('2026-01-02', { kind: 'user', id: 'u2' }, [
        { root: 'activities', itemId: 'a1', field: 'status', before: 'proposed', after: 'done' },
        { root: 'activities', itemId: 'a2', field: 'status', before: 'proposed', after: 'done' },
      ]),
      group('2026-01-01', { kind: 'user', id: 'u1' }, [{ root: 'activities', itemId: 'a1', field: null, before: null, after: { id: 'a1', status: 'proposed' } }]),
    ];
    expect(stepsFromHistory(groups, 'a1', name)).toEqual([
      { status: 'proposed', at: '2026-01-01', by: 'name:u1' },
      { status: 'done', at: '2026-01-02', by: 'name:u2' },
      { status: 'proposed', at: '2026-01-03', by: 'The AI assistant' },
    ]);
  });
  it('shows a status folded into the creation as a step after Proposed', () => {
    const groups = [group('2026-01-01', { kind: 'user', id: 'u1' }, [{ root: 'activities', itemId: 'a1', field: null, before: null, after: { id: 'a1', status: 'done' } }])];
    expect(stepsFromHistory(groups, 'a1', name).map((s) => s.status)).toEqual(['proposed', 'done']);
  });
  it('falls back on what the document knows', () => {
    expect(stepsFromDocument({ id: 'a1', title: 't', status: 'done', proposedBy: 'u1', createdAt: 'c', updatedAt: 'u' }, name)).toEqual([
      { status: 'proposed', at: 'c', by: 'name:u1' },
      { status: 'done', at: 'u', by: null },
    ]);
  });
});
