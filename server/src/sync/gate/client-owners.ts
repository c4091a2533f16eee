// Client ids belong to the member who introduced them (SPEC [P11]). Yjs trusts whoever sends a
// struct with a clock: a member who writes first under another's client id, at its next clocks,
// makes the server take the owner's later structs there as known (and silently drop them), and
// a refusal's tombstones there delete the owner's own copy when it syncs. Refusing such an update
// whole, before anything of it is integrated, keeps every member's clocks their own.

export class ClientOwners {
  /** Client id → the user who introduced it to the document while it was loaded here. */
  private readonly owners = new Map<number, string>();

  /** A client id of `ranges` (an update's new clock ranges) another user introduced, or null. */
  foreign(ranges: ReadonlyMap<number, { from: number }>, userId: string): number | null {
    for (const client of ranges.keys()) {
      const owner = this.owners.get(client);
      if (owner !== undefined && owner !== userId) return client;
    }
    return null;
  }

  /** Record the client ids this update introduces (the document had no clock of them) as `userId`'s. */
  claim(ranges: ReadonlyMap<number, { from: number }>, userId: string): void {
    for (const [client, r] of ranges) if (r.from === 0 && !this.owners.has(client)) this.owners.set(client, userId);
  }
}
