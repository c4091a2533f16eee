// What an outside-batch collaboration looks like to the harness, before and after the run: if any of
// it changed, something acted on a collaboration that was not in the request.
import type { DocHost } from '@trellis/engine';
import type { Store } from '@trellis/store';
import { encodeStateVectorB64 } from '../prompts/seen-since.ts';

export interface Footprint {
  stateVector: string;
  audit: number;
  approvals: number;
  checkins: number;
}

export async function footprint(store: Store, docs: DocHost, collaborationId: string): Promise<Footprint> {
  return {
    stateVector: await docs.read(collaborationId, encodeStateVectorB64),
    audit: (await store.audit.list(collaborationId, { limit: 1000 })).items.length,
    approvals: (await store.approvals.listForCollaboration(collaborationId, { limit: 1000 })).items.length,
    checkins: (await store.checkins.list(collaborationId, { limit: 1000 })).items.length,
  };
}

/** The ways `after` differs from `before`, in words. */
export function changes(before: Footprint, after: Footprint): string[] {
  const out: string[] = [];
  if (before.stateVector !== after.stateVector) out.push('document changed');
  if (after.audit !== before.audit) out.push(`${after.audit - before.audit} audit entries`);
  if (after.approvals !== before.approvals) out.push(`${after.approvals - before.approvals} approvals`);
  if (after.checkins !== before.checkins) out.push(`${after.checkins - before.checkins} check-ins`);
  return out;
}
