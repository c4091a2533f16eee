// The sockets of this process, indexed by member and collaboration: an offence of cost closes all of
// a member's sockets on the collaboration ([H6], [H16]) without scanning every connection.
import type { Connection } from './connection.ts';

export class MemberSockets implements Iterable<Connection> {
  private readonly all = new Set<Connection>();
  private readonly byMember = new Map<string, Set<Connection>>();

  get size(): number {
    return this.all.size;
  }

  add(conn: Connection): void {
    this.all.add(conn);
    const mine = this.byMember.get(conn.memberKey);
    if (mine) mine.add(conn);
    else this.byMember.set(conn.memberKey, new Set([conn]));
  }

  delete(conn: Connection): void {
    this.all.delete(conn);
    const mine = this.byMember.get(conn.memberKey);
    if (!mine) return;
    mine.delete(conn);
    if (mine.size === 0) this.byMember.delete(conn.memberKey);
  }

  /** `conn`'s member's other sockets on its collaboration (a copy: closing them may remove them). */
  siblingsOf(conn: Connection): Connection[] {
    return [...(this.byMember.get(conn.memberKey) ?? [])].filter((c) => c !== conn);
  }

  [Symbol.iterator](): Iterator<Connection> {
    return this.all[Symbol.iterator]();
  }
}
