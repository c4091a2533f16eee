// Binds an uncontrolled <textarea> to a Y.Text: local input becomes one splice on the Y.Text; remote
// changes rewrite the value and carry the caret and selection through the delta.
import type * as Y from 'yjs';
import { diffText, transformIndex } from './text-diff.ts';
import type { TextDelta } from './text-diff.ts';

const LOCAL = Symbol('textarea-binding');

export function bindTextarea(el: HTMLTextAreaElement, text: Y.Text, onLocalEdit?: () => void): () => void {
  el.value = text.toString();

  const onInput = () => {
    const splice = diffText(text.toString(), el.value, el.selectionEnd);
    if (!splice) return;
    text.doc?.transact(() => {
      if (splice.remove > 0) text.delete(splice.index, splice.remove);
      if (splice.insert) text.insert(splice.index, splice.insert);
    }, LOCAL);
    onLocalEdit?.();
  };

  const onRemote = (event: Y.YTextEvent, tr: Y.Transaction) => {
    if (tr.origin === LOCAL) return;
    const next = text.toString();
    if (el.value === next) return;
    const focused = document.activeElement === el;
    const delta = event.delta as TextDelta;
    const start = transformIndex(el.selectionStart, delta);
    const end = transformIndex(el.selectionEnd, delta);
    const scroll = el.scrollTop;
    el.value = next;
    if (focused) el.setSelectionRange(start, end);
    el.scrollTop = scroll;
  };

  el.addEventListener('input', onInput);
  text.observe(onRemote);
  return () => {
    el.removeEventListener('input', onInput);
    text.unobserve(onRemote);
  };
}
