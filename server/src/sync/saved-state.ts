// Save acknowledgements must not claim what is not stored (SPEC [S5], [S10]): clamp a state vector
// below the first clock of every update that is applied here but not yet known to be durable.
import * as Y from 'yjs';

export function clampStateVector(sv: Map<number, number>, notDurable: Uint8Array[]): Map<number, number> {
  const out = new Map(sv);
  for (const update of notDurable) {
    for (const [client, from] of Y.parseUpdateMeta(update).from) {
      const clock = out.get(client);
      if (clock !== undefined && clock > from) out.set(client, from);
    }
  }
  return out;
}
