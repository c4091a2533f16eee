// Whether a write of a running check-in's outcome still belongs to it (CheckinRepo.saveAnswers and
// finish): the stored record is still the run the writer holds (its start, and its run id when it
// has one) and still running. A worker that outlived its job lease fails this once the worker that
// took the job over has moved the check-in on (SPEC [W10]).
import type { Checkin } from '@trellis/schema';

export function stillRunning(stored: Checkin, mine: Checkin): boolean {
  return stored.status === 'running' && stored.createdAt === mine.createdAt && (mine.runId === undefined || stored.runId === mine.runId);
}

/** ...and not answered yet: the first stored answer of a run is the one acted on. */
export function answerable(stored: Checkin, mine: Checkin): boolean {
  return stillRunning(stored, mine) && stored.answer === null;
}
