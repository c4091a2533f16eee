// A label kept for screen readers (and getByLabel) but not shown: the field's placeholder or context says it.
import type { ReactNode } from 'react';

export function HiddenLabel({ htmlFor, children }: { htmlFor: string; children: ReactNode }) {
  return (
    <label htmlFor={htmlFor} className="sr-only">
      {children}
    </label>
  );
}
