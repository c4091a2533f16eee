// The SQLite write thread runs below the event loop's priority. On a machine whose cores are all
// busy, a group commit woken at normal priority preempted the server's event loop (in CPU profiles,
// the main thread's wall time in the hand-off was three times the call's own cost), which shows as
// fan-out latency. Lowered, the commit waits for a free core instead; under full load CFS still gives
// it about a tenth of a core against each busy thread, more than a commit needs (BENCHMARKS.md).
// Linux only (a thread is a task with its own id and nice value); elsewhere nothing changes.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

export const WRITE_THREAD_NICE = 10;

/** Lowers the calling thread's priority; true if it did. */
export function lowerThisThreadPriority(nice = WRITE_THREAD_NICE): boolean {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    // Not Linux, or not allowed: the thread keeps the process's priority.
    return false;
  }
}
