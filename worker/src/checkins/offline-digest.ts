// The keyless digest: deterministic rules over the summary (overdue, stale proposals, unanswered
// messages). No model, no actions; labelled aiGenerated: false, model 'rules'.
import type { CollabSummary } from './summary.ts';

const list = (items: { title: string }[]) => items.slice(0, 3).map((i) => `"${i.title}"`).join(', ') + (items.length > 3 ? ` and ${items.length - 3} more` : '');

export function offlineSummary(s: CollabSummary): string {
  const parts: string[] = [];
  if (s.newMessages.length > 0) parts.push(`${s.newMessages.length} new message(s)`);
  if (s.changedActivities.length > 0) parts.push(`${s.changedActivities.length} activity change(s)`);
  if (s.overdue.length > 0) parts.push(`Overdue: ${list(s.overdue)}`);
  if (s.staleProposed.length > 0) parts.push(`Proposed for over 3 days without a date: ${list(s.staleProposed)}`);
  if (s.pendingApprovals.length > 0) parts.push(`${s.pendingApprovals.length} approval(s) waiting`);
  if (s.unanswered) parts.push(`The latest message (${s.unanswered.at.slice(0, 10)}) has no reply yet`);
  return parts.length > 0 ? `${parts.join('. ')}.` : 'Nothing changed since the last check-in.';
}
