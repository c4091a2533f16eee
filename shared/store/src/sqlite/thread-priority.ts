// The SQLite write thread runs below the event loop's priority. On a machine whose cores are all
// busy, a group commit woken at normal priority preempted the server's event loop (in CPU profiles,
// the main thread's wall time in the hand-off was three times the call's own cost), which shows as
// fan-out latency. Lowered, the commit waits for a free core instead; under full load CFS still gives
// it about a tenth of a core against each busy thread, more than a commit needs (BENCHMARKS.md).
// Linux only: there the nice value is each thread's, and `setPriority` without a pid sets the calling
// thread's; elsewhere it is the whole process's, and nothing changes.
// Relative to the nice value the thread started with (its creator's, the event loop's): a process
// started below normal priority (`nice -n 15`, systemd's Nice=) as root would otherwise have its
// write thread raised above its event loop.
import { getPriority, setPriority } from 'node:os';

/** Nice levels the write thread sits below the event loop (nice 10 for a process at the default 0). */
export const WRITE_THREAD_NICE = 10;
/** The lowest priority Linux has. */
const NICE_MAX = 19;

/** Lowers the calling thread's priority by `by` nice levels (at most to 19), never raises it; true if it did. */
export function lowerThisThreadPriority(by = WRITE_THREAD_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const current = getPriority();
    const lowered = Math.min(NICE_MAX, current + by);
    if (lowered <= current) return false;
    setPriority(lowered);
    return true;
  } catch {
    // Not allowed: the thread keeps the process's priority.
    return false;
  }
}
