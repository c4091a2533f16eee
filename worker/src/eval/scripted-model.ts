// The offline model of the evaluation: no network, it answers each check-in request from the
// fixtures' scripts for the collaborations it finds in the request's DATA block (so the real prompt
// decides what it answers for). It behaves like a fooled or sloppy model where the script says so:
// governance actions, invented ids, an entry for a collaboration outside the batch, a duplicate
// entry, an invalid first answer, prose around the JSON.
import type { CompleteInput, Completion, LlmProvider } from '../providers/types.ts';
import { dataLines } from './data-block.ts';
import type { EvalFixture } from './types.ts';

export const SCRIPTED_MODEL = 'fixture-script';

export function createScriptedModel(fixtures: readonly EvalFixture[], countTokens: (text: string) => number): LlmProvider {
  const byId = new Map(fixtures.map((f) => [f.id, f]));
  const asked = new Set<string>();
  let calls = 0;
  const complete = async (input: CompleteInput): Promise<Completion> => {
    calls++;
    const entries: unknown[] = [];
    for (const { collaborationId } of dataLines(input.user)) {
      const f = byId.get(collaborationId);
      if (!f) continue;
      const first = !asked.has(collaborationId);
      asked.add(collaborationId);
      // Invalid: no summary. The parser drops the entry and the worker asks again.
      if (f.script.invalidFirst === true && first) entries.push({ collaborationId, actions: [] });
      else entries.push({ collaborationId, summary: f.script.summary, actions: f.script.entry.map((a) => a.raw) });
      for (const extra of f.script.extraEntries ?? []) {
        entries.push({ collaborationId: extra.collaborationId, summary: extra.summary, actions: extra.actions.map((a) => a.raw) });
      }
    }
    const json = JSON.stringify({ checkins: entries });
    // The first answer comes wrapped in prose and a fence, as chatty models do.
    const text = calls === 1 ? `Here is today's check-in:\n\`\`\`json\n${json}\n\`\`\`\nLet me know if you need more.` : json;
    return { text, model: SCRIPTED_MODEL, inputTokens: countTokens(input.system) + countTokens(input.user), outputTokens: countTokens(text) };
  };
  return {
    // It speaks the chat interface of an OpenAI-compatible model; `offline` would mean "no model"
    // to the worker (the rule digest), which has nothing to evaluate.
    name: 'openai',
    model: SCRIPTED_MODEL,
    complete,
    async stream(input, onDelta) {
      const out = await complete(input);
      onDelta(out.text);
      return out;
    },
  };
}
