// Updates other processes forwarded here before storing them (SPEC [S10]). Each stays listed until
// the change feed shows its writer stored it; if the writer's link ends first, whatever is still
// listed is stored by this process instead (CRDT updates are idempotent: a duplicate costs bytes,
// never correctness), so nothing a client saw is lost with the process that applied it.
export interface RelayedUpdate {
  collaborationId: string;
  update: Uint8Array;
}

interface Entry {
  update: Uint8Array;
  /** The document copy it was applied to (null: queued while the document was loading). */
  appliedTo: object | null;
}

/** Beyond this many unconfirmed updates from one peer, its oldest are forgotten (logged). */
const MAX_PER_PEER = 100_000;

export class RelayLedger {
  private readonly byPeer = new Map<string, Map<string, Entry[]>>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly onOverflow: (peerId: string) => void) {}

  add(peerId: string, collaborationId: string, update: Uint8Array, appliedTo: object | null): void {
    let docs = this.byPeer.get(peerId);
    if (!docs) this.byPeer.set(peerId, (docs = new Map()));
    const list = docs.get(collaborationId);
    const entry = { update, appliedTo };
    if (list) list.push(entry);
    else docs.set(collaborationId, [entry]);
    const count = (this.counts.get(peerId) ?? 0) + 1;
    this.counts.set(peerId, count);
    if (count > MAX_PER_PEER) this.dropOldest(peerId, docs);
  }

  /**
   * The change feed shows `peerId` stored this update: forget it. Returns the document copy it was
   * applied to, null if it was queued while loading, undefined if it was not listed.
   */
  confirm(peerId: string, collaborationId: string, data: Uint8Array): object | null | undefined {
    const list = this.byPeer.get(peerId)?.get(collaborationId);
    if (!list) return undefined;
    // Per-document order is kept by the writer, so the match is almost always the first entry.
    const i = list.findIndex((e) => e.update.length === data.length && Buffer.compare(e.update, data) === 0);
    if (i < 0) return undefined;
    const [entry] = list.splice(i, 1);
    if (list.length === 0) this.byPeer.get(peerId)!.delete(collaborationId);
    this.counts.set(peerId, this.counts.get(peerId)! - 1);
    return entry!.appliedTo;
  }

  /** Everything still unconfirmed from `peerId` (it stays listed until confirmed). */
  pendingOf(peerId: string): RelayedUpdate[] {
    const docs = this.byPeer.get(peerId);
    if (!docs) return [];
    return [...docs].flatMap(([collaborationId, entries]) => entries.map((e) => ({ collaborationId, update: e.update })));
  }

  /** How many forwarded updates are unconfirmed, from all peers. */
  total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }

  /** Everything still unconfirmed for one document, from any peer. */
  pendingFor(collaborationId: string): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const docs of this.byPeer.values()) for (const e of docs.get(collaborationId) ?? []) out.push(e.update);
    return out;
  }

  private dropOldest(peerId: string, docs: Map<string, Entry[]>): void {
    const [collaborationId, list] = docs.entries().next().value as [string, Entry[]];
    list.shift();
    if (list.length === 0) docs.delete(collaborationId);
    this.counts.set(peerId, this.counts.get(peerId)! - 1);
    this.onOverflow(peerId);
  }
}
