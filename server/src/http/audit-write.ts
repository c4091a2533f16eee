// Audit entries for requests that are not actions (invite links, check-in requests): they change no
// document and no collaboration record. Best effort: the write already happened, a failed audit is logged, not surfaced.
import { newId } from '@trellis/schema';
import type { AuditEntry } from '@trellis/schema';
import type { Logger } from '@trellis/runtime';
import type { Store } from '@trellis/store';

export async function auditWrite(store: Store, logger: Logger, e: Omit<AuditEntry, 'id' | 'at'>): Promise<void> {
  try {
    await store.audit.append({ ...e, id: newId('aud'), at: new Date().toISOString() });
  } catch (err) {
    logger.error({ err, collaborationId: e.collaborationId, action: e.action }, 'audit append failed');
  }
}
