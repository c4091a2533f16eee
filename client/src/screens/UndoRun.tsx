// "Undo this AI run" (SPEC [A7], [A8]): a dry run first says what will change and which parts stay
// as they are because someone changed them since; Confirm reverts, and the toast offers "Undo the
// undo" (a revert is a run of its own). Parts only an owner may undo go to the owners' inbox.
import { useId, useState } from 'react';
import { describeError } from '../api/api-error.ts';
import { useApi } from '../api/ApiProvider.tsx';
import type { HistoryChange, RevertConflict, RevertResult } from '../api/types.ts';
import { describedBy, NeedsServer } from '../components/NeedsServer.tsx';
import { useToast } from '../components/Toasts.tsx';
import { activityTitle } from '../text/activity-titles.ts';
import type { CollabView } from './collab-view.ts';

const FIELD: Record<string, string> = { title: 'title', status: 'status', at: 'date', notes: 'description', cancelReason: 'reason', body: 'text' };

function short(value: unknown, max = 60): string {
  if (value === null || value === undefined || value === '') return 'nothing';
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return `“${text.length > max ? `${text.slice(0, max - 1)}…` : text}”`;
}

function titleOf(root: string, itemId: string | null, json?: unknown): string {
  const own = json && typeof json === 'object' ? ((json as Record<string, unknown>)['title'] ?? (json as Record<string, unknown>)['body']) : undefined;
  if (typeof own === 'string') return short(own);
  if (root === 'activities' && itemId) {
    const t = activityTitle(itemId);
    if (t) return short(t);
    return 'an activity';
  }
  if (root === 'messages') return 'a message';
  return 'the notes';
}

/** One change a revert makes, in words. */
export function describeRevertChange(c: HistoryChange): string {
  if (c.root === 'notes') return c.after ? `Put back ${short(c.after)} in the notes` : 'Remove text from the notes';
  const what = c.root === 'messages' ? 'message' : 'activity';
  if (c.field === null) return c.after === null ? `Remove the ${what} ${titleOf(c.root, c.itemId, c.before)}` : `Bring back the ${what} ${titleOf(c.root, c.itemId, c.after)}`;
  return `Set the ${FIELD[c.field] ?? c.field} of ${titleOf(c.root, c.itemId)} back to ${short(c.after)}`;
}

function describeConflict(c: RevertConflict, who: (a: { kind: string; id: string }) => string): string {
  const by = c.by ? ` by ${who(c.by)}` : '';
  const subject = c.root === 'notes' ? 'text in the notes' : titleOf(c.root, c.itemId, c.runValue);
  switch (c.reason) {
    case 'changed_since':
      return `The ${c.field ? (FIELD[c.field] ?? c.field) : 'value'} of ${subject} was changed since${by}: left as ${short(c.current)}`;
    case 'edited_since':
      return `${subject.charAt(0).toUpperCase()}${subject.slice(1)} was edited since${by}: kept`;
    case 'exists':
      return `${subject.charAt(0).toUpperCase()}${subject.slice(1)} exists again: left alone`;
    case 'gone':
    default:
      return `${subject.charAt(0).toUpperCase()}${subject.slice(1)} is gone: nothing to put back`;
  }
}

export function useActorName(view: CollabView): (a: { kind: string; id: string }) => string {
  return (a) => (a.kind === 'ai' ? 'the AI' : a.kind === 'user' ? view.name(a.id) : a.kind === 'rule' ? 'a rule' : 'Trellis');
}

/** The toast after a revert, with "Undo the undo" that reverts the revert's own run. */
function useRevertToast(view: CollabView, onDone: () => void) {
  const api = useApi();
  const toast = useToast();
  const said = (r: RevertResult, what: string) => {
    const n = r.reverted.length;
    const kept = r.conflicts.length;
    let text = `${what}: ${n} change${n === 1 ? '' : 's'} undone${kept ? `, ${kept} left as people changed ${kept === 1 ? 'it' : 'them'}` : ''}.`;
    if (r.needsOwner.length > 0) text += ` ${r.needsOwner.length} part${r.needsOwner.length === 1 ? '' : 's'} went to the owner’s approval inbox.`;
    return text;
  };
  const show = (r: RevertResult, what: string, undoable: boolean) => {
    const again = r.runId;
    toast(r.needsOwner.length > 0 ? 'info' : 'success', said(r, what), undoable && again && r.reverted.length > 0
      ? {
          label: 'Undo the undo',
          run: () => {
            api.revertRun(view.collabId, again, false).then(
              (back) => {
                show(back, 'Undo undone', false);
                onDone();
              },
              (err: unknown) => toast('error', `Could not undo the undo. ${describeError(err)}`),
            );
          },
        }
      : undefined);
  };
  return show;
}

/** What one undo flow says and does: the trigger button, the preview's question, the toast. */
export interface UndoTarget {
  /** The button that asks for the preview. */
  label: string;
  /** The preview's heading, a question. */
  question: string;
  /** The toast's first words once done ("AI run undone"). */
  done: string;
  /** What "Undoing …" is called while the server is away. */
  what: string;
  revert: (dryRun: boolean) => Promise<RevertResult>;
}

export function UndoRun({ view, runId, label = 'Undo this AI run', onDone }: { view: CollabView; runId: string; label?: string; onDone: () => void }) {
  const api = useApi();
  if (!view.canEdit) return null;
  const target: UndoTarget = { label, question: 'Undo this AI run?', done: 'AI run undone', what: 'Undoing a run', revert: (dryRun) => api.revertRun(view.collabId, runId, dryRun) };
  return <UndoFlow view={view} target={target} onDone={onDone} />;
}

/** Preview (a dry run), then Confirm, then the toast with "Undo the undo" ([A7]–[A9]). */
export function UndoFlow({ view, target, onDone }: { view: CollabView; target: UndoTarget; onDone: () => void }) {
  const toast = useToast();
  const who = useActorName(view);
  const id = useId();
  const [preview, setPreview] = useState<RevertResult | null>(null);
  const [busy, setBusy] = useState(false);
  const showDone = useRevertToast(view, onDone);

  const dryRun = async () => {
    setBusy(true);
    try {
      setPreview(await target.revert(true));
    } catch (err) {
      toast('error', `Could not preview the undo. ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const confirm = async () => {
    setBusy(true);
    try {
      const r = await target.revert(false);
      setPreview(null);
      showDone(r, target.done, true);
      onDone();
    } catch (err) {
      toast('error', `Could not undo. ${describeError(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const nothing = preview && preview.reverted.length === 0 && preview.needsOwner.length === 0;
  return (
    <div className="undo-run">
      {!preview && (
        <button type="button" className="small" onClick={() => void dryRun()} disabled={busy || !view.server.available} aria-describedby={describedBy(`${id}-needs`, view.server)}>
          {busy ? 'Checking…' : target.label}
        </button>
      )}
      <NeedsServer id={`${id}-needs`} what={target.what} availability={view.server} />
      {preview && (
        <section className="undo-preview" aria-labelledby={`${id}-title`} data-testid="undo-preview">
          <h4 id={`${id}-title`}>{nothing ? 'Nothing left to undo' : target.question}</h4>
          {preview.reverted.length > 0 && (
            <>
              <p className="hint">This will:</p>
              <ul data-testid="undo-changes">
                {preview.reverted.map((c, i) => (
                  <li key={i}>{describeRevertChange(c)}</li>
                ))}
              </ul>
            </>
          )}
          {preview.needsOwner.length > 0 && (
            <>
              <p className="hint">Only an owner can undo these; they go to the owner’s approval inbox:</p>
              <ul data-testid="undo-needs-owner">
                {preview.needsOwner.map((c, i) => (
                  <li key={i}>{describeRevertChange(c)}</li>
                ))}
              </ul>
            </>
          )}
          {preview.conflicts.length > 0 && (
            <>
              <p className="hint">Left alone, because people changed them since:</p>
              <ul data-testid="undo-conflicts">
                {preview.conflicts.map((c, i) => (
                  <li key={i}>{describeConflict(c, who)}</li>
                ))}
              </ul>
            </>
          )}
          <div className="undo-buttons">
            {!nothing && (
              <button type="button" className="primary small" onClick={() => void confirm()} disabled={busy || !view.server.available}>
                {busy ? 'Undoing…' : 'Confirm'}
              </button>
            )}
            <button type="button" className="small ghost" onClick={() => setPreview(null)} disabled={busy}>
              {nothing ? 'Close' : 'Cancel'}
            </button>
          </div>
        </section>
      )}
    </div>
  );
}
