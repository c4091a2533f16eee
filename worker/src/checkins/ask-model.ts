// Ask the model about a group of collaborations until every one has a validated entry: an invalid
// or partial answer is asked again once, then split in halves recursively; nothing unvalidated runs.
import type { Logger } from '@trellis/runtime';
import type { LlmProvider } from '../providers/types.ts';
import { llama3Counter } from '../prompts/tokens.ts';
import type { AnswerEntry } from './parse-answer.ts';
import { parseAnswer } from './parse-answer.ts';
import { buildCheckinPrompt, outputTokensFor } from './prompt.ts';
import type { CollabSummary } from './summary.ts';

export interface CallShare {
  provider: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

export interface AskDeps {
  provider: LlmProvider;
  log: Logger;
  signal: AbortSignal;
  now: () => Date;
  /** Called with each call's validated entries, so progress is stored even if a later call fails. */
  onAnswer(entries: AnswerEntry[], share: CallShare, duplicates: ReadonlyMap<string, number[]>): Promise<void>;
}

export interface AskOutcome {
  failed: { collaborationId: string; reason: string }[];
  calls: number;
}

export async function askModel(deps: AskDeps, group: readonly CollabSummary[]): Promise<AskOutcome> {
  const outcome: AskOutcome = { failed: [], calls: 0 };
  await ask(deps, group, 0, outcome);
  return outcome;
}

async function ask(deps: AskDeps, group: readonly CollabSummary[], attempt: number, outcome: AskOutcome): Promise<void> {
  if (group.length === 0) return;
  const ids = group.map((s) => s.collaborationId);
  const prompt = buildCheckinPrompt(group, deps.now(), await llama3Counter());
  const started = performance.now();
  outcome.calls++;
  // Metered by the provider itself (providers/metered.ts).
  const res = await deps.provider.complete({ ...prompt, maxTokens: outputTokensFor(group.length), json: true, signal: deps.signal });
  const latencyMs = performance.now() - started;

  const parsed = parseAnswer(res.text, ids);
  if (parsed.foreign.length > 0) deps.log.warn({ foreign: parsed.foreign.slice(0, 20), count: parsed.foreign.length }, 'answer named collaborations not in the batch; ignored');
  if (parsed.invalid) deps.log.warn({ reason: parsed.invalid, collaborations: ids.length }, 'invalid check-in answer');
  const share: CallShare = {
    provider: deps.provider.name, model: res.model, latencyMs: Math.round(latencyMs),
    inputTokens: Math.round(res.inputTokens / group.length), outputTokens: Math.round(res.outputTokens / group.length),
  };
  if (parsed.entries.size > 0) await deps.onAnswer([...parsed.entries.values()], share, parsed.duplicates);

  const rest = group.filter((s) => parsed.missing.includes(s.collaborationId));
  if (rest.length === 0) return;
  deps.log.info({ missing: rest.length, attempt }, 'asking again for collaborations without a valid entry');
  if (attempt === 0) return ask(deps, rest, 1, outcome);
  if (group.length === 1) {
    outcome.failed.push({ collaborationId: rest[0]!.collaborationId, reason: parsed.invalid ?? 'no valid entry in the answer' });
    return;
  }
  const mid = Math.ceil(rest.length / 2);
  await ask(deps, rest.slice(0, mid), 1, outcome);
  await ask(deps, rest.slice(mid), 1, outcome);
}
