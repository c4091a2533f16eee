// The people in a collaboration right now, from the provider's awareness.
import { useEffect, useState } from 'react';
import type { DocSession } from './doc-session.ts';
import { peopleHere, readPresence } from './presence.ts';
import type { PresencePeer } from './presence.ts';

export function usePresence(session: DocSession | null): PresencePeer[] {
  const [peers, setPeers] = useState<PresencePeer[]>([]);
  useEffect(() => {
    if (!session) return;
    const aw = session.provider.awareness;
    const refresh = () => setPeers(peopleHere(readPresence(aw)));
    refresh();
    aw.on('change', refresh);
    return () => aw.off('change', refresh);
  }, [session]);
  return peers;
}
