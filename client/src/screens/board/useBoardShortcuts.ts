// Board shortcuts, as in Linear or Trello: N focuses the new-activity field, / the search. They act only
// when no field has the keyboard and no dialog is open, and never with a modifier key.
import { useEffect } from 'react';

export const SHORTCUTS = { propose: 'n', search: '/' } as const;

function typingIn(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));
}

export function useBoardShortcuts(targets: { propose: string; search: string }): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || typingIn(e.target)) return;
      if (document.querySelector('dialog[open]')) return;
      const id = e.key.toLowerCase() === SHORTCUTS.propose ? targets.propose : e.key === SHORTCUTS.search ? targets.search : null;
      const el = id ? document.getElementById(id) : null;
      if (!(el instanceof HTMLInputElement) || el.disabled) return;
      e.preventDefault();
      el.focus();
      el.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [targets.propose, targets.search]);
}
