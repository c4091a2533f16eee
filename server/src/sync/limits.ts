// Sync limits (SPEC [H1]–[H5]); defaults are overridable by the composition root.
export interface SyncLimits {
  maxPayloadBytes: number;
  maxDocBytes: number;
  updateBurst: number;
  updatesPerSecond: number;
  awarenessBurst: number;
  awarenessPerSecond: number;
  maxAwarenessBytes: number;
  /** Unsent bytes (socket buffer + send queue) above which a client must keep draining ([H5]). */
  maxBufferedBytes: number;
  /** How long a client over `maxBufferedBytes` may drain nothing before it is terminated ([H5]). */
  slowConsumerGraceMs: number;
  /** Integration work (gate cost units, see gate/update-cost.ts) per connection: burst and refill per second ([H6]). */
  costBurst: number;
  costPerSecond: number;
  /** Bytes waiting to be stored past which writers are pushed back (closed with 1013, SPEC [S13]). */
  persistOverloadBytes: number;
  /** Wall time one update may take in the gate before its sender is cut off ([H6]). */
  gateBudgetMs: number;
  /** Updates this large (bytes) are read on the pre-flight thread before the gate sees them ([H13]). */
  preflightBytes: number;
  /** Wall time one update may take on the pre-flight thread ([H13]). */
  preflightDeadlineMs: number;
  /** Stored documents this large (bytes) are integrated on the pre-flight thread first, on their first load in this process ([H15]). */
  loadCheckBytes: number;
  /**
   * Wall time a trial load may take ([H15]): `loadCheckBaseMs` (what content beyond honest may cost)
   * plus 1 ms per `loadCheckBytesPerMs` stored bytes (what honest content of that size may cost), at
   * most `loadCheckMaxMs`. Past it the document is refused (1011) instead of loaded on the event loop.
   */
  loadCheckBaseMs: number;
  /**
   * Placement work (the gate's cost units, [H6]) that updates may add to a document after its last
   * passed trial before its next load is tried again ([H15]): each update's cost is bounded, their
   * sum is not, and what Yjs scans past grows with what earlier updates placed.
   */
  loadCheckWork: number;
  /** The shortest wait between two tries of a loaded document for room ([H16]). */
  roomTrialIntervalMs: number;
  /**
   * The wait is also at least this many times what the last try took ([H16]): at 100, trying keeps
   * the shared pre-flight thread at most 1 % busy with any one document.
   */
  roomTrialCostFactor: number;
  /**
   * Share of its allowance within which a passed trial renews a document's room for placement work
   * ([H16]): with the room's own cost, the next load then stays within the allowance.
   */
  roomyShare: number;
  loadCheckBytesPerMs: number;
  loadCheckMaxMs: number;
  /** Client ids new to a collaboration one member may introduce per day (burst and daily refill, [H14]). */
  newClientIdsPerDay: number;
  /** Frames one connection may send while its update is on the pre-flight thread ([H13]). */
  maxHeldFrames: number;
  pingIntervalMs: number;
  unloadDelayMs: number;
  compactAfterUpdates: number;
  compactAfterBytes: number;
  /** How long compaction keeps the attributed history (ms); null = all of it (DATA_MODEL.md "History"). */
  historyRetentionMs: number | null;
}

export const DEFAULT_LIMITS: SyncLimits = {
  maxPayloadBytes: 1024 * 1024,
  maxDocBytes: 10 * 1024 * 1024,
  updateBurst: 200,
  updatesPerSecond: 100,
  awarenessBurst: 20,
  awarenessPerSecond: 10,
  maxAwarenessBytes: 8 * 1024,
  maxBufferedBytes: 4 * 1024 * 1024,
  slowConsumerGraceMs: 10_000,
  costBurst: 400_000,
  costPerSecond: 100_000,
  gateBudgetMs: 100,
  preflightBytes: 1024,
  preflightDeadlineMs: 2_000,
  maxHeldFrames: 256,
  newClientIdsPerDay: 200,
  // Honest content integrates at 1.6–25 KiB per ms on the trial's cold thread here (many small
  // edits to large strings), content shaped for Yjs's worst case at 0.03–0.2 KiB per ms and falling
  // as it grows: the allowance leaves the most edit-heavy honest documents measured 2× their cold
  // cost.
  loadCheckBytes: 4 * 1024,
  loadCheckBaseMs: 1_000,
  // ≈ 2,000 inserts competing for one position (about 60 ms to load); honest edits cost a few units.
  loadCheckWork: 2_000_000,
  roomTrialIntervalMs: 1_000,
  roomTrialCostFactor: 100,
  roomyShare: 2 / 3,
  loadCheckBytesPerMs: 1024,
  loadCheckMaxMs: 15_000,
  persistOverloadBytes: 64 * 1024 * 1024,
  pingIntervalMs: 30_000,
  unloadDelayMs: 1_000,
  compactAfterUpdates: 1_000,
  compactAfterBytes: 2 * 1024 * 1024,
  historyRetentionMs: null,
};

/** [H15] The trial load's allowance for a stored document of `bytes`: well above what honest content of its size costs. */
export function loadCheckDeadlineMs(limits: SyncLimits, bytes: number): number {
  return Math.min(limits.loadCheckMaxMs, limits.loadCheckBaseMs + Math.ceil(bytes / limits.loadCheckBytesPerMs));
}
