// What dropping a card in another column means: the status step of the state machine, as the same
// action its button runs. Scheduling needs a time, so a drop in Scheduled asks for one; a step the
// state machine refuses (done → cancelled) is said in words and changes nothing.
import { activityTransition } from '@trellis/schema';
import type { ActivityStatus, ContentAction } from '@trellis/schema';

/** The drag payload type: only cards of this board are accepted by its columns. */
export const CARD_DRAG_TYPE = 'application/x-trellis-activity';

export type CardMove = { kind: 'stay' } | { kind: 'refused'; message: string } | { kind: 'askTime' } | { kind: 'run'; action: ContentAction };

export function cardMove(from: ActivityStatus, to: ActivityStatus): CardMove {
  if (from === to) return { kind: 'stay' };
  const step = activityTransition(from, to);
  if (!step.ok) return { kind: 'refused', message: `${step.message.charAt(0).toUpperCase()}${step.message.slice(1)}.` };
  return step.action === 'scheduleActivity' ? { kind: 'askTime' } : { kind: 'run', action: step.action };
}

/** What a card does when it is dropped in a column (the board calls it on the dropped card). */
export interface CardHandle {
  moveTo: (status: ActivityStatus) => void;
}
