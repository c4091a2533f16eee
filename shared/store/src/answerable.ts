// When a check-in may take a model's answer (CheckinRepo.saveAnswers): the stored record is still
// the run the answer was asked for (its start, and its run id when it has one), running, and not
// answered yet.
import type { Checkin } from '@trellis/schema';

export function answerable(stored: Checkin, answered: Checkin): boolean {
  const sameRun = stored.createdAt === answered.createdAt && (answered.runId === undefined || stored.runId === answered.runId);
  return sameRun && stored.status === 'running' && stored.answer === null;
}
