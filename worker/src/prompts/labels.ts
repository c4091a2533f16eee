// Who is who, for the model, without raw ids: stable pseudonymous labels per collaboration. Owners
// are "owner" (then "owner 2", …), everyone else "member A", "member B", … in the order they joined,
// so a person keeps their label from one day's prompt to the next.
import type { Membership } from '@trellis/schema';

function letters(i: number): string {
  let s = '';
  for (let n = i + 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export type Labeller = (authorId: string, kind: string) => string;

export function memberLabels(members: readonly Membership[]): Labeller {
  const byJoin = [...members].sort((a, b) => a.addedAt.localeCompare(b.addedAt) || a.userId.localeCompare(b.userId));
  const labels = new Map<string, string>();
  let owners = 0;
  let others = 0;
  for (const m of byJoin) {
    if (m.role === 'owner') labels.set(m.userId, ++owners === 1 ? 'owner' : `owner ${owners}`);
    else labels.set(m.userId, `member ${letters(others++)}`);
  }
  return (authorId, kind) => (kind === 'ai' ? 'ai' : kind === 'system' ? 'system' : (labels.get(authorId) ?? 'former member'));
}
