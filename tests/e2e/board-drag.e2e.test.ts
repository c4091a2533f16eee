// Drag and drop on the desktop board: a card dropped in another column runs the same policy-checked
// action as its button (Done completes with Undo, Scheduled asks for the time, a closed card dropped
// back opens again); a step the state machine or the policy refuses is said on the card in the same
// words as the button's, and nothing moves.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { withBrowserServer } from './browser-suite.ts';
import { addMember, createCollaboration, describeBrowser, DESKTOP, signIn, token } from './harness.ts';

const column = (p: Page, status: string) => p.locator(`#column-${status}`);
const inColumn = (p: Page, status: string, title: string) => column(p, status).getByTestId('activity').filter({ hasText: title });

async function propose(p: Page, title: string): Promise<void> {
  await p.getByLabel('Activity title').fill(title);
  await p.getByLabel('Activity title').press('Enter');
  await inColumn(p, 'proposed', title).waitFor();
}

async function drag(p: Page, title: string, to: string): Promise<void> {
  await p.getByTestId('activity').filter({ hasText: title }).dragTo(column(p, to));
}

describeBrowser('web app: dragging cards between columns', () => {
  const suite = withBrowserServer();

  it('[G5] a drop runs the column’s action through the same checks as the buttons', { timeout: 150_000 }, async () => {
    const owner = await signIn(suite.browser, suite.server, 'dora@example.com', DESKTOP);
    const editor = await signIn(suite.browser, suite.server, 'ed@example.com', DESKTOP);
    const p = owner.page;
    const collabId = await createCollaboration(owner, 'Wedding');
    for (const t of ['Book the hall', 'Order flowers', 'Hire a band']) await propose(p, t);

    // Done: completed, with Undo offered as for the button.
    await drag(p, 'Book the hall', 'done');
    await inColumn(p, 'done', 'Book the hall').waitFor();
    await p.getByTestId('toast').filter({ hasText: '“Book the hall” marked done.' }).getByRole('button', { name: 'Undo' }).waitFor();

    // Scheduled: the card asks when, as the Schedule button does.
    await drag(p, 'Order flowers', 'scheduled');
    const flowers = p.getByTestId('activity').filter({ hasText: 'Order flowers' });
    await expect.poll(() => p.evaluate(() => document.activeElement?.id ?? '')).toMatch(/^at-/);
    await flowers.getByLabel('When').fill('2031-06-01T09:00');
    await flowers.getByRole('button', { name: 'Save time' }).click();
    await inColumn(p, 'scheduled', 'Order flowers').waitFor();

    // A done card cannot be cancelled: said on the card, and it stays where it is.
    await drag(p, 'Book the hall', 'cancelled');
    await inColumn(p, 'done', 'Book the hall').getByText('A done activity cannot become cancelled: reopen it first.').waitFor();
    expect(await inColumn(p, 'cancelled', 'Book the hall').count()).toBe(0);
    // Dropped back among the open ones, it is reopened.
    await drag(p, 'Book the hall', 'proposed');
    await inColumn(p, 'proposed', 'Book the hall').waitFor();

    // The policy denies completing to editors: the editor's drop is refused by the server, in the
    // button's words, and the card stays for everyone.
    await addMember(owner, collabId, editor, 'editor');
    await editor.page.goto(`/#/c/${collabId}`);
    await inColumn(editor.page, 'proposed', 'Hire a band').waitFor();
    const res = await fetch(`${suite.server.url}/api/collaborations/${collabId}/policy`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${await token(owner)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ policy: { completeActivity: { editor: 'deny' } } }),
    });
    expect(res.status).toBe(200);
    await drag(editor.page, 'Hire a band', 'done');
    await inColumn(editor.page, 'proposed', 'Hire a band').getByText(/Mark an activity done failed\. Not allowed/).waitFor({ timeout: 10_000 });
    expect(await inColumn(editor.page, 'done', 'Hire a band').count()).toBe(0);
    await p.goto(`/#/c/${collabId}`);
    await inColumn(p, 'proposed', 'Hire a band').waitFor();
    expect(await inColumn(p, 'done', 'Hire a band').count()).toBe(0);

    expect(owner.errors).toEqual([]);
    expect(editor.errors.filter((e) => !/403/.test(e))).toEqual([]);
  });
});
