// The peer registry's rows as adapters hand them out (SPEC [S14], [D45]): parsed one by one, so a
// row that is not a peer anyone could dial (a bad address, written by something else or by another
// version) is skipped instead of hiding every other process; and at most MAX_LIVE_PEERS of them, so
// a flooded registry cannot make every server dial without bound.
import { PeerRecord } from '@trellis/schema';

export const MAX_LIVE_PEERS = 256;

export function validPeers(rows: unknown[]): PeerRecord[] {
  const out: PeerRecord[] = [];
  for (const row of rows) {
    const parsed = PeerRecord.safeParse(row);
    if (parsed.success) out.push(parsed.data);
  }
  return out;
}
