// One Tab stop per card (a roving tab index): of the card's controls marked `data-roving` only one
// is in the Tab order, the one used last (at first the title). Left and Right (Home, End) move among
// them; Up and Down move to the card above or below in the column, to the control it last used.
// The inline forms a control opens are ordinary Tab stops, and Escape closes them.
import { useLayoutEffect, useRef } from 'react';
import type { FocusEvent, KeyboardEvent, RefObject } from 'react';

const ROVING = '[data-roving]';

function controls(card: HTMLElement | null): HTMLElement[] {
  return card ? [...card.querySelectorAll<HTMLElement>(ROVING)].filter((el) => !(el as HTMLButtonElement).disabled) : [];
}

/** The card's control that holds its Tab stop. */
function stopOf(card: Element | null | undefined): HTMLElement | null {
  return card?.querySelector<HTMLElement>(`${ROVING}[tabindex="0"]`) ?? null;
}

export function useRovingCard(card: RefObject<HTMLElement | null>) {
  /** The `data-roving` name of the control that holds the stop. */
  const current = useRef('open');

  const settle = (name: string) => {
    const items = controls(card.current);
    const stop = items.find((el) => el.dataset['roving'] === name) ?? items[0];
    for (const el of card.current?.querySelectorAll<HTMLElement>(ROVING) ?? []) el.tabIndex = el === stop ? 0 : -1;
  };
  // Controls come and go with the status (Reopen replaces Complete): after every render exactly one
  // stays in the Tab order.
  useLayoutEffect(() => settle(current.current));

  const onFocus = (e: FocusEvent<HTMLElement>) => {
    const name = e.target instanceof HTMLElement ? e.target.dataset['roving'] : undefined;
    if (name === undefined) return;
    current.current = name;
    settle(name);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLElement>) => {
    if (!(e.target instanceof HTMLElement) || e.target.dataset['roving'] === undefined || e.altKey || e.ctrlKey || e.metaKey) return;
    const items = controls(card.current);
    const i = items.indexOf(e.target);
    let next: HTMLElement | null | undefined;
    if (e.key === 'ArrowRight') next = items[(i + 1) % items.length];
    else if (e.key === 'ArrowLeft') next = items[(i - 1 + items.length) % items.length];
    else if (e.key === 'Home') next = items[0];
    else if (e.key === 'End') next = items[items.length - 1];
    else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      const item = card.current?.closest('li');
      const sibling = e.key === 'ArrowDown' ? item?.nextElementSibling : item?.previousElementSibling;
      next = stopOf(sibling);
    }
    if (!next) return;
    e.preventDefault();
    next.focus();
  };

  return { onFocus, onKeyDown };
}
