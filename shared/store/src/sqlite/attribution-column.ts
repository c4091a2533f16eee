// A stored update's attribution, parsed at the boundary ([D5]). Its own module, loaded only by
// what reads history: the SQLite write thread appends and compacts without it, and so never loads
// the schema library (≈ 8 MB of that thread's heap).
import { Attribution } from '@trellis/schema';
import { CorruptRecordError } from '../errors.ts';

/** A stored attribution, parsed at the boundary ([D5]): unreadable is corrupt, never "unattributed". */
const parsedAttributions = new Map<string, Attribution>();

export function parseAttribution(collaborationId: string, seq: number, raw: string | null): Attribution | null {
  if (raw === null) return null;
  // A document's history repeats a few attributions thousands of times: parse each text once.
  const known = parsedAttributions.get(raw);
  if (known) return known;
  let parsed: ReturnType<typeof Attribution.safeParse>;
  try {
    parsed = Attribution.safeParse(JSON.parse(raw));
  } catch {
    throw new CorruptRecordError(`update ${collaborationId}#${seq} attribution is not JSON`);
  }
  if (!parsed.success) throw new CorruptRecordError(`update ${collaborationId}#${seq} attribution fails its schema`);
  if (parsedAttributions.size >= 10_000) parsedAttributions.clear();
  parsedAttributions.set(raw, parsed.data);
  return parsed.data;
}
