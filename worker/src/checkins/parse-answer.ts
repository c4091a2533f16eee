// Validate a batch answer against the contract schema, entry by entry: entries for collaborations in
// the batch are kept (the first one; later duplicates are counted for the digest), foreign ones are
// refused, and missing or invalid ones are reported for a retry.
import { CheckinAnswerEntry } from '@trellis/schema';
import type { z } from 'zod';
import { extractJson } from './extract-json.ts';

export type AnswerEntry = z.infer<typeof CheckinAnswerEntry>;

export interface ParsedAnswer {
  entries: Map<string, AnswerEntry>;
  /** Collaboration ids the model answered for that were not in the request: never acted on. */
  foreign: string[];
  /** Further valid entries for a collaboration already answered: their action counts (ignored, recorded). */
  duplicates: Map<string, number[]>;
  /** Requested ids without a valid entry. */
  missing: string[];
  /** Why the answer as a whole was unusable, if it was. */
  invalid: string | null;
}

const MAX_ENTRIES = 100;

export function parseAnswer(text: string, requested: readonly string[]): ParsedAnswer {
  const wanted = new Set(requested);
  const out: ParsedAnswer = { entries: new Map(), duplicates: new Map(), foreign: [], missing: [], invalid: null };
  const json = extractJson(text);
  const list = typeof json === 'object' && json !== null ? (json as { checkins?: unknown }).checkins : undefined;
  if (!Array.isArray(list)) out.invalid = json === undefined ? 'no complete JSON object in the answer' : 'answer has no "checkins" array';
  else if (list.length > MAX_ENTRIES) out.invalid = `answer has ${list.length} entries (max ${MAX_ENTRIES})`;
  else {
    for (const raw of list) {
      const parsed = CheckinAnswerEntry.safeParse(raw);
      if (!parsed.success) continue; // its collaboration stays missing and is asked again
      const id = parsed.data.collaborationId;
      if (!wanted.has(id)) out.foreign.push(id);
      else if (!out.entries.has(id)) out.entries.set(id, parsed.data);
      else out.duplicates.set(id, [...(out.duplicates.get(id) ?? []), parsed.data.actions.length]);
    }
  }
  out.missing = requested.filter((id) => !out.entries.has(id));
  return out;
}
