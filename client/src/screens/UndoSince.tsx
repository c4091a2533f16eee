// "Undo everything <person> did since <time>" (SPEC [A9]), for owners: pick whose changes (the AI or
// a member, by name) and since when; the same preview, Confirm and "Undo the undo" as an AI run's
// undo. Changes others made since are left alone and listed. A person with nothing stored since
// then gets "Nothing left to undo" instead of an error.
import { useEffect, useId, useState } from 'react';
import { ApiError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import type { Member, RevertResult } from '../api/types.ts';
import { formatTime } from '../text/format.ts';
import type { CollabView } from './collab-view.ts';
import { UndoFlow } from './UndoRun.tsx';

const NOTHING: RevertResult = { reverted: [], conflicts: [], needsOwner: [], runId: null };

/** `YYYY-MM-DDTHH:MM` in local time, what a datetime-local field holds. */
function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function UndoSince({ view, onDone }: { view: CollabView; onDone: () => void }) {
  const api = useApi();
  const id = useId();
  const [members, setMembers] = useState<Member[]>([]);
  const [who, setWho] = useState('ai');
  const [since, setSince] = useState(() => localInput(new Date(Date.now() - 60 * 60_000)));

  useEffect(() => {
    let cancelled = false;
    api.listMembers(view.collabId).then(
      (m) => !cancelled && setMembers(m),
      // The AI stays choosable; people appear once the list can be read.
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [api, view.collabId]);

  if (!view.isOwner) return null;
  const name = who === 'ai' ? 'the AI' : (members.find((m) => m.userId === who)?.displayName ?? view.name(who));
  const at = new Date(since);
  const valid = since !== '' && !Number.isNaN(at.getTime());
  const when = valid ? formatTime(at.toISOString()) : '';

  const revert = async (dryRun: boolean): Promise<RevertResult> => {
    try {
      return await api.revertSince(view.collabId, who, at.toISOString(), dryRun);
    } catch (err) {
      // The server's answer when that person stored nothing since then.
      if (err instanceof ApiError && err.code === 'not_found') return NOTHING;
      throw err;
    }
  };

  return (
    <details className="card undo-since" data-testid="undo-since">
      <summary>Undo everything one person or the AI did since a time</summary>
      <p className="hint" id={`${id}-hint`}>
        You see what will change before anything does. Changes others made since are left alone.
      </p>
      <form className="history-filters" aria-label="Choose what to undo" onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={`${id}-who`}>
          Whose changes
          <select id={`${id}-who`} value={who} onChange={(e) => setWho(e.target.value)} aria-describedby={`${id}-hint`}>
            <option value="ai">The AI</option>
            {members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.userId === view.me.id ? `${m.displayName ?? view.name(m.userId)} (you)` : (m.displayName ?? view.name(m.userId))}
              </option>
            ))}
          </select>
        </label>
        <label htmlFor={`${id}-since`}>
          Since
          <input id={`${id}-since`} type="datetime-local" value={since} max={localInput(new Date())} onChange={(e) => setSince(e.target.value)} />
        </label>
      </form>
      {valid ? (
        <UndoFlow
          key={`${who}|${since}`}
          view={view}
          target={{ label: `Undo everything ${name} did since ${when}`, question: `Undo everything ${name} did since ${when}?`, done: `Undone: what ${name} did since ${when}`, what: 'Undoing changes', revert }}
          onDone={onDone}
        />
      ) : (
        <p className="hint">Choose a date and time.</p>
      )}
    </details>
  );
}
