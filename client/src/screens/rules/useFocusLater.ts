// Focus for controls that appear or vanish with a change (a new condition, a removed action): the
// id is remembered and focused once the change is on screen, so keyboard users are never dropped
// back at the top of the page.
import { useCallback, useEffect, useRef } from 'react';

export function useFocusLater(): (id: string) => void {
  const target = useRef<string | null>(null);
  useEffect(() => {
    if (target.current === null) return;
    document.getElementById(target.current)?.focus();
    target.current = null;
  });
  return useCallback((id: string) => {
    target.current = id;
  }, []);
}
