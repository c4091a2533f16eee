// [W6] The per-collaboration prompt budget holds in real Llama 3 tokens, whatever people wrote:
// random summaries (plain words, ids and times, random letters, punctuation, CJK, emoji) rendered
// into DATA lines, measured by the tokenizer as the oracle.
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { clip } from '../prompts/clean-text.ts';
import type { TokenCounter } from '../prompts/tokens.ts';
import { llama3Counter } from '../prompts/tokens.ts';
import { renderSummary, SUMMARY_TOKEN_BUDGET } from './render-summary.ts';
import type { CollabSummary } from './summary.ts';

let tokens: TokenCounter;
beforeAll(async () => {
  tokens = await llama3Counter();
});

const words = fc.array(fc.constantFrom('meet', 'at', 'the', 'station', 'bring', 'boots', 'budget', 'deposit', 'hike', 'Lisbon', 'tomorrow', 'ok?'), { maxLength: 40 }).map((w) => w.join(' '));
const text = (max: number) => fc.oneof(
  words,
  fc.string({ unit: 'grapheme', maxLength: max }),
  fc.string({ unit: fc.constantFrom('x', 'Q', '7', 'k', 'Z', '%', '}', '"', '\\', '日', '本', '😀', '🎉', 'é'), maxLength: max }),
).map((s) => clip(s, max));
const id = (prefix: string) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefghjkmnpqrstvwxyz'), minLength: 22, maxLength: 22 }).map((s) => `${prefix}_${s}`);
const iso = fc.integer({ min: Date.parse('2020-01-01'), max: Date.parse('2035-01-01') }).map((ms) => new Date(ms).toISOString());

const summary: fc.Arbitrary<CollabSummary> = fc.record({
  collaborationId: id('col'),
  title: text(80),
  timeZone: fc.constant('UTC'),
  since: fc.option(iso, { nil: null }),
  newMessages: fc.array(fc.record({ from: fc.constantFrom('owner', 'member A', 'AI'), at: iso, text: text(160) }), { maxLength: 30 }),
  changedActivities: fc.array(fc.record({ id: id('act'), title: text(80), status: fc.constantFrom('proposed', 'scheduled', 'done') }), { maxLength: 30 }),
  overdue: fc.array(fc.record({ id: id('act'), title: text(80), at: iso }), { maxLength: 30 }),
  staleProposed: fc.array(fc.record({ id: id('act'), title: text(80), since: iso }), { maxLength: 30 }),
  pendingApprovals: fc.array(fc.record({ action: fc.constantFrom('scheduleActivity', 'cancelActivity'), reason: text(100) }), { maxLength: 10 }),
  unanswered: fc.option(fc.record({ from: fc.constant('member B'), at: iso, text: text(120) }), { nil: null }),
  notes: text(300),
  stateVector: fc.constant('AA=='),
});

it('[W6] a DATA line never exceeds its token budget, and a line that fits is sent whole', () => {
  fc.assert(fc.property(summary, (s) => {
    const line = renderSummary(s, tokens);
    expect(tokens(line)).toBeLessThanOrEqual(SUMMARY_TOKEN_BUDGET);
    const parsed = JSON.parse(line) as { collaborationId: string; omitted?: Record<string, number> };
    expect(parsed.collaborationId).toBe(s.collaborationId);
    const whole = renderSummary(s, tokens, 1_000_000);
    if (tokens(whole) <= SUMMARY_TOKEN_BUDGET) expect(line).toBe(whole);
    else expect(line).not.toBe(whole);
  }), { seed: 20261130, numRuns: 60 });
});

it('[W6] over budget, the oldest items go first and are counted, never the newest', () => {
  const s: CollabSummary = {
    collaborationId: 'col_busy', title: 'Busy', timeZone: 'UTC', since: null, changedActivities: [], overdue: [], staleProposed: [], pendingApprovals: [], unanswered: null, notes: '',
    newMessages: Array.from({ length: 30 }, (_, i) => ({ from: 'member A', at: `2030-01-01T00:${String(i).padStart(2, '0')}:00.000Z`, text: `message number ${i} about the trip budget and the station` })),
    stateVector: 'AA==',
  };
  const parsed = JSON.parse(renderSummary(s, tokens)) as { newMessages: { text: string }[]; omitted: { newMessages: number } };
  expect(parsed.omitted.newMessages + parsed.newMessages.length).toBe(30);
  expect(parsed.newMessages.at(-1)!.text).toContain('number 29');
  // The fewest drops: one more message would not fit.
  const more = { ...s, newMessages: s.newMessages.slice(parsed.omitted.newMessages - 1) };
  expect(tokens(renderSummary(more, tokens, 1_000_000))).toBeGreaterThan(SUMMARY_TOKEN_BUDGET);
});
