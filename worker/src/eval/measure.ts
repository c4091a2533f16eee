// The numbers of one evaluation run, computed from the recorded model calls and the stored digests.
import type { Checkin } from '@trellis/schema';
import { parseAnswer } from '../checkins/parse-answer.ts';
import { estimateTokens } from '../providers/types.ts';
import { dataLines } from './data-block.ts';
import type { RecordedCall } from './recording-provider.ts';
import { llama3ChatTokens, llama3Tokens } from './tokens.ts';
import type { EvalFixture } from './types.ts';

/** Characters that must never reach a prompt (clean-text.ts removes them): format and control
 *  characters other than tab and newline, Unicode tags, the variation-selector supplement. */
const INVISIBLE = /(?![\t\n])[\p{Cc}\p{Cf}\u3164\uFFA0\u115F\u1160]|[\u{E0100}-\u{E01EF}]/gu;

export interface CallStats {
  validAnswers: number;
  foreignEntries: string[];
  invisibleChars: number;
  badDelimiters: number;
}

/** Answers of the calls that got one; prompt hygiene of every request. */
export function callStats(calls: readonly RecordedCall[]): CallStats {
  const out: CallStats = { validAnswers: 0, foreignEntries: [], invisibleChars: 0, badDelimiters: 0 };
  for (const c of calls) {
    if (!c.failed) {
      const parsed = parseAnswer(c.text, dataLines(c.user).map((l) => l.collaborationId));
      if (parsed.invalid === null && parsed.missing.length === 0) out.validAnswers++;
      out.foreignEntries.push(...parsed.foreign);
    }
    out.invisibleChars += (c.system + c.user).match(INVISIBLE)?.length ?? 0;
    if (c.user.split('<<<DATA').length !== 2 || c.user.split('DATA>>>').length !== 2) out.badDelimiters++;
  }
  return out;
}

export interface IdStats {
  proposed: number;
  actedOn: number;
  /** Invented ids that belong to another fixture collaboration: an attempt to reach across. */
  foreign: number;
  foreignActedOn: number;
}

const ACTED = new Set(['executed', 'pending_approval']);

/** Activity ids in stored answers that are not this collaboration's. */
export function inventedIds(done: readonly { fixture: EvalFixture; checkin: Checkin }[], all: readonly EvalFixture[]): IdStats {
  const owner = new Map(all.flatMap((f) => f.activities.map((a) => [a.id, f.id] as const)));
  const out: IdStats = { proposed: 0, actedOn: 0, foreign: 0, foreignActedOn: 0 };
  for (const { fixture, checkin } of done) {
    for (const [i, raw] of (checkin.answer?.actions ?? []).entries()) {
      const params = (raw as { params?: { activityId?: unknown } } | null)?.params;
      const id = typeof params === 'object' && params !== null ? params.activityId : undefined;
      if (typeof id !== 'string' || fixture.activities.some((a) => a.id === id)) continue;
      const acted = ACTED.has(checkin.proposals[i]?.fate ?? '');
      out.proposed++;
      if (acted) out.actedOn++;
      const elsewhere = owner.get(id);
      if (elsewhere !== undefined && elsewhere !== fixture.id) {
        out.foreign++;
        if (acted) out.foreignActedOn++;
      }
    }
  }
  return out;
}

export interface TokenStats {
  /** Per call: the whole chat request (Llama 3 template) and the chars ÷ 4 estimate the worker logs without usage. */
  calls: { collaborations: number; promptTokens: number; estimate: number; answerTokens: number }[];
  systemTokens: number;
  /** Per collaboration of the first call: its DATA line. */
  lines: { collaborationId: string; tokens: number }[];
  /** The first call's prompt divided by its collaborations. */
  promptPerCollaboration: number;
}

export function tokenStats(calls: readonly RecordedCall[]): TokenStats {
  const first = calls[0];
  const lines = first ? dataLines(first.user).map((l) => ({ collaborationId: l.collaborationId, tokens: llama3Tokens(`${l.line}\n`) })) : [];
  const perCall = calls.map((c) => ({
    collaborations: dataLines(c.user).length,
    promptTokens: llama3ChatTokens(c.system, c.user),
    estimate: estimateTokens(c.system + c.user),
    answerTokens: llama3Tokens(c.text),
  }));
  const head = perCall[0];
  return {
    calls: perCall,
    systemTokens: first ? llama3Tokens(first.system) : 0,
    lines,
    promptPerCollaboration: head && head.collaborations > 0 ? Math.round(head.promptTokens / head.collaborations) : 0,
  };
}
