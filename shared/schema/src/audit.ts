// One audit entry: an action outcome or a summary of a CRDT edit.
import { z } from 'zod';
import { idString } from './ids.ts';
import { Actor } from './role.ts';

export const AuditEntry = z.object({
  id: idString,
  collaborationId: idString,
  at: z.string(),
  actor: Actor,
  kind: z.enum(['action', 'crdt', 'approval', 'membership', 'refused-update']),
  action: z.string().nullable(),
  outcome: z.string(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
