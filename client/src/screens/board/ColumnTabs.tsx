// On a phone the board's columns sit side by side in a horizontal scroller that snaps to one column:
// swipe between them, or pick one here. The tab of the column in view is marked current. Hidden on
// wider screens (CSS), where every column shows.
import { useEffect } from 'react';
import type { RefObject } from 'react';
import type { ActivityStatus } from '@trellis/schema';

interface Props {
  columns: { status: ActivityStatus; label: string; count: number }[];
  active: ActivityStatus;
  board: RefObject<HTMLDivElement | null>;
  onActive: (s: ActivityStatus) => void;
}

/** The column whose left edge is nearest the scroller's. */
function columnInView(board: HTMLElement): ActivityStatus | null {
  let best: { s: string; d: number } | null = null;
  for (const el of board.querySelectorAll<HTMLElement>('[data-column]')) {
    const d = Math.abs(el.offsetLeft - board.offsetLeft - board.scrollLeft);
    if (!best || d < best.d) best = { s: el.dataset['column'] ?? '', d };
  }
  return (best?.s as ActivityStatus | undefined) ?? null;
}

export function ColumnTabs({ columns, active, board, onActive }: Props) {
  useEffect(() => {
    const el = board.current;
    if (!el) return;
    let frame = 0;
    const onScroll = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        const s = columnInView(el);
        if (s) onActive(s);
      });
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    return () => {
      cancelAnimationFrame(frame);
      el.removeEventListener('scroll', onScroll);
    };
  }, [board, onActive]);

  if (columns.length < 2) return null;
  const show = (s: ActivityStatus) => {
    const el = board.current;
    const col = el?.querySelector<HTMLElement>(`[data-column="${s}"]`);
    if (!el || !col) return;
    const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    el.scrollTo({ left: col.offsetLeft - el.offsetLeft, behavior: smooth ? 'smooth' : 'auto' });
    onActive(s);
  };
  const move = (from: number, by: number) => {
    const next = columns[(from + by + columns.length) % columns.length];
    if (!next) return;
    show(next.status);
    requestAnimationFrame(() => document.getElementById(`column-tab-${next.status}`)?.focus());
  };
  // A tab list (arrow keys move between the columns, one tab stop), shown only on a phone.
  return (
    <div className="column-tabs" role="tablist" aria-label="Board columns" data-testid="column-tabs">
      {columns.map((c, i) => (
        <button
          key={c.status}
          id={`column-tab-${c.status}`}
          type="button"
          role="tab"
          className="column-tab"
          aria-controls={`column-${c.status}`}
          aria-selected={c.status === active}
          tabIndex={c.status === active ? 0 : -1}
          onClick={() => show(c.status)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
              e.preventDefault();
              move(i, e.key === 'ArrowRight' ? 1 : -1);
            }
          }}
        >
          {c.label} <span className="count">{c.count}</span>
        </button>
      ))}
    </div>
  );
}
