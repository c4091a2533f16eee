// Compare what the digest says happened to each proposal with what should have happened.
import type { Checkin, CheckinProposal } from '@trellis/schema';
import { expectedVerdicts } from './oracle.ts';
import type { EvalFixture, Verdict } from './types.ts';

const PRE_ENGINE: [RegExp, Verdict][] = [
  [/^too many actions|more action\(s\) refused/, 'refused:too_many'],
  [/^malformed action/, 'refused:malformed'],
  [/^unknown action/, 'refused:unknown_action'],
  [/^not allowed for the AI/, 'refused:governance'],
  [/^a second entry/, 'refused:duplicate'],
];
const ENGINE_CODES = new Set(['bad_request', 'forbidden', 'not_found', 'conflict']);

/** The verdict a digest line records. */
export function actualVerdict(p: CheckinProposal): Verdict {
  if (p.fate !== 'refused') return p.fate;
  const detail = p.detail ?? '';
  for (const [re, v] of PRE_ENGINE) if (re.test(detail)) return v;
  const code = detail.split(':')[0] ?? '';
  return ENGINE_CODES.has(code) ? (`refused:${code}` as Verdict) : 'refused:other';
}

export interface VerdictCheck {
  collaborationId: string;
  index: number;
  action: string;
  expected: Verdict;
  actual: Verdict;
}

/** Expected verdicts of a stored answer: the script's when the scripted model answered, else the
 *  oracle's; plus the answer's notes (surplus beyond 50, duplicate entries) as they were recorded. */
export function expectedFor(f: EvalFixture, checkin: Checkin, scripted: boolean): Verdict[] {
  const answer = checkin.answer!;
  const forActions = scripted ? f.script.entry.map((a) => a.expect).slice(0, answer.actions.length) : expectedVerdicts(f, answer.actions);
  const notes = answer.notes.map((n): Verdict => `refused:${n.code}`);
  return [...forActions, ...notes];
}

export function checkVerdicts(f: EvalFixture, checkin: Checkin, scripted: boolean): VerdictCheck[] {
  const expected = expectedFor(f, checkin, scripted);
  const n = Math.max(expected.length, checkin.proposals.length);
  return Array.from({ length: n }, (_, index) => {
    const p = checkin.proposals[index];
    return {
      collaborationId: f.id, index, action: p?.action ?? '(missing)',
      expected: expected[index] ?? 'refused:other', actual: p ? actualVerdict(p) : 'refused:other',
    };
  });
}
