// What this process knows of each document's trial loads and placement work (SPEC [H15], [H16]):
// one record per document, so its parts are never forgotten apart — a work count forgotten while its
// pass is kept would renew the document's room without a trial. Past `max` records, those of
// documents not open here are forgotten (the store keeps what matters: `vetted:` and `placed:`).

/** A passed trial: the bytes tried, and the document's `work` at its last roomy pass (the room's start). */
export interface Pass {
  bytes: number;
  work: number;
}

export interface TrialRecord {
  /** Placement work the gate let into the document here, never reset ([H15]). */
  work: number;
  /** The document's last pass, here or as the store recorded it. */
  pass?: Pass;
  /** Its history's last pass here (not recorded in the store). */
  historyPass?: Pass;
  /** When its trial load last refused it ([H15]). */
  refusedAt?: number;
  /** When it was last tried for room, and how long to wait before the next try ([H16]). */
  roomTrialAt?: number;
  roomRetryMs?: number;
  /** What its last trial took on the pre-flight thread (ms). */
  lastTrialMs?: number;
  /** Placement work each member let in since the room was last renewed here ([H16]: a member may take half). */
  shares?: Map<string, number>;
}

/** Members whose shares one document keeps before it starts them afresh. */
const MAX_SHARES = 10_000;

/** The document's room for placement work starts afresh from `work` ([H16]), and so does every member's share. */
export function renewRoom(r: TrialRecord, work: number): void {
  r.pass = { bytes: r.pass?.bytes ?? 0, work };
  delete r.shares;
}

/** Count `units` of placement work against `member`'s share of the document's room. */
export function takeShare(r: TrialRecord, member: string, units: number): void {
  if (!r.shares || r.shares.size >= MAX_SHARES) r.shares = new Map();
  r.shares.set(member, (r.shares.get(member) ?? 0) + units);
}

export class TrialRecords {
  private readonly records = new Map<string, TrialRecord>();

  constructor(
    /** Whether a document is loaded or loading here: its record is never forgotten. */
    private readonly open: (id: string) => boolean,
    private readonly max = 100_000,
  ) {}

  peek(id: string): TrialRecord | undefined {
    return this.records.get(id);
  }

  /** The document's record, made if there is none. */
  get(id: string): TrialRecord {
    let r = this.records.get(id);
    if (r) return r;
    if (this.records.size >= this.max) {
      for (const key of this.records.keys()) if (!this.open(key)) this.records.delete(key);
    }
    r = { work: 0 };
    this.records.set(id, r);
    return r;
  }

  /** Placement work let in since the document's last roomy pass (all of it, with none). */
  workSince(id: string, pass: Pass | undefined = this.peek(id)?.pass): number {
    return Math.max(0, (this.peek(id)?.work ?? 0) - (pass?.work ?? 0));
  }
}
