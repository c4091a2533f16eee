// Which AI run wrote each AI message (SPEC [A1], [A5]): the stored history attributes the update that
// created a message to its run (an `@ai` reply's, a check-in's), so the thread asks the history for
// the AI's groups and reads the run off the group that created the message. Asked again when an AI
// message appears or finishes streaming.
import { useEffect, useState } from 'react';
import type { Message } from '@trellis/schema';
import { useApi } from '../api/ApiProvider.tsx';
import type { CollabView } from './collab-view.ts';

const PAGE = 100;
const MAX_PAGES = 5;

export function useMessageRuns(view: CollabView, messages: readonly Message[]): ReadonlyMap<string, string> {
  const api = useApi();
  const [runs, setRuns] = useState<ReadonlyMap<string, string>>(() => new Map());
  const wanted = messages.filter((m) => m.kind === 'ai' && !m.streaming).map((m) => m.id).join(' ');
  const online = view.server.available;

  useEffect(() => {
    if (!wanted || !view.canEdit || !online) return;
    let cancelled = false;
    const ids = new Set(wanted.split(' '));
    void (async () => {
      const found = new Map<string, string>();
      let cursor: string | null = null;
      for (let page = 0; page < MAX_PAGES && found.size < ids.size; page++) {
        const res = await api.listHistory(view.collabId, cursor, PAGE, { kind: 'ai' });
        for (const g of res.items) {
          if (!g.runId || g.revertible === false) continue;
          for (const c of g.changes) if (c.root === 'messages' && c.field === null && c.after !== null && c.itemId && ids.has(c.itemId)) found.set(c.itemId, g.runId);
        }
        cursor = res.nextCursor;
        if (!cursor) break;
      }
      if (!cancelled) setRuns(found);
    })().catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [api, view.collabId, view.canEdit, online, wanted]);

  return runs;
}
