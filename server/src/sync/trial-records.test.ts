// [H15][H16] One record per document: past the bound, records of documents not open go whole — a
// work count is never forgotten while its pass is kept (that would renew a room without a trial).
import { expect, it } from 'vitest';
import { TrialRecords } from './trial-records.ts';

it('[H16] past the bound, closed documents are forgotten whole and open ones kept: no pass outlives its work count', () => {
  const open = new Set(['open-1']);
  const records = new TrialRecords((id) => open.has(id), 3);
  const a = records.get('open-1');
  a.work = 5_000;
  a.pass = { bytes: 100, work: 1_000 };
  const b = records.get('closed-1');
  b.work = 9_000;
  b.pass = { bytes: 100, work: 8_000 };
  records.get('closed-2').work = 1;
  expect(records.workSince('open-1')).toBe(4_000);
  expect(records.workSince('closed-1')).toBe(1_000);
  // The bound is reached: the next new record makes room by forgetting the closed documents.
  records.get('new');
  expect(records.peek('open-1')).toEqual({ work: 5_000, pass: { bytes: 100, work: 1_000 } });
  expect(records.peek('closed-1')).toBeUndefined();
  expect(records.peek('closed-2')).toBeUndefined();
  // Forgotten whole: no pass is left to measure a lost count against (its next load is tried).
  expect(records.workSince('closed-1')).toBe(0);
  expect(records.get('closed-1')).toEqual({ work: 0 });
});
