// "Changed since the last check-in", decided by what the store had received then — the document's
// state vector stored with that check-in — never by timestamps clients write into the document (a
// future `createdAt` would otherwise keep a message in every day's prompt). An entry is new if the
// item that created it is past the old state vector; changed if any of its fields was written since.
import * as Y from 'yjs';

export type SeenCheck = (map: Y.Map<unknown>) => boolean;

export function encodeStateVectorB64(doc: Y.Doc): string {
  return Buffer.from(Y.encodeStateVector(doc)).toString('base64');
}

function after(sv: Map<number, number>, item: { id: { client: number; clock: number } } | null): boolean {
  return item !== null && item.id.clock >= (sv.get(item.id.client) ?? 0);
}

/** `created`: the entry was added after the check-in; `touched`: added or any field set after it. */
export function sinceCheckin(stateVectorB64: string | null): { created: SeenCheck; touched: SeenCheck } {
  if (stateVectorB64 === null) return { created: () => true, touched: () => true };
  const sv = Y.decodeStateVector(Buffer.from(stateVectorB64, 'base64'));
  const created: SeenCheck = (m) => after(sv, m._item);
  const touched: SeenCheck = (m) => created(m) || [...m._map.values()].some((item) => after(sv, item));
  return { created, touched };
}
