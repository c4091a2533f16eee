// Shared notes: a textarea bound to the document's `notes` Y.Text.
import { useEffect, useRef } from 'react';
import { notesOf } from '@trellis/schema';
import { HiddenLabel } from '../components/HiddenLabel.tsx';
import { bindTextarea } from '../sync/textarea-binding.ts';
import type { CollabView } from './collab-view.ts';

export function NotesPanel({ view }: { view: CollabView }) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const session = view.session;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let idle: ReturnType<typeof setTimeout> | undefined;
    const unbind = bindTextarea(el, notesOf(session.doc), () => {
      session.setTyping(true);
      clearTimeout(idle);
      idle = setTimeout(() => session.setTyping(false), 2500);
    });
    return () => {
      clearTimeout(idle);
      session.setTyping(false);
      unbind();
    };
  }, [session]);

  return (
    <div className="notes">
      <HiddenLabel htmlFor="notes">Shared notes</HiddenLabel>
      <textarea
        id="notes"
        ref={ref}
        className="notes-area"
        data-testid="notes"
        readOnly={!view.canEdit}
        aria-readonly={!view.canEdit}
        placeholder={view.canEdit ? 'Shared notes — everyone here edits this together.' : 'No notes yet.'}
        spellCheck
      />
      <p className="hint">{view.canEdit ? 'Changes save automatically, also offline.' : 'Read-only for viewers.'}</p>
    </div>
  );
}
