// The opening scene several browser tests share: an owner (desktop) and another user (mobile) signed in,
// and a new collaboration of the owner's with one activity proposed on its board.
import type { BrowserServer } from './browser-suite.ts';
import { createCollaboration, DESKTOP, MOBILE, signIn } from './harness.ts';
import type { TestUser } from './harness.ts';

export interface ProposalScene {
  owner: TestUser;
  /** Signed in, but not yet a member: each test adds them with the role it is about. */
  other: TestUser;
  collabId: string;
}

export async function ownerProposesActivity(
  suite: BrowserServer,
  emails: { owner: string; other: string },
  titles: { collaboration: string; activity: string },
): Promise<ProposalScene> {
  const owner = await signIn(suite.browser, suite.server, emails.owner, DESKTOP);
  const other = await signIn(suite.browser, suite.server, emails.other, MOBILE);
  const collabId = await createCollaboration(owner, titles.collaboration);
  await owner.page.getByLabel('Activity title').fill(titles.activity);
  await owner.page.getByRole('button', { name: 'Propose' }).click();
  return { owner, other, collabId };
}
