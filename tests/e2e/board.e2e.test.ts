// The board people work on, at 375 and 1280 px: a new card is scrolled into view and focused; a card's
// detail edits title, description and due date and shows who proposed it and its status history;
// Escape closes what Enter opened and focus goes back; Complete and Cancel offer Undo; done and
// cancelled cards reopen; search and filters; on a phone the columns are swipeable tabs. Policy
// decides what an editor may do (reopen denied, due dates through approval).
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { expectAccessible, expectNoHorizontalOverflow } from './a11y.ts';
import { withBrowserServer } from './browser-suite.ts';
import { addMember, createCollaboration, describeBrowser, DESKTOP, expectPhase, MOBILE, SCREENSHOTS, setOffline, signIn } from './harness.ts';

const card = (p: Page, title: string) => p.getByTestId('activity').filter({ has: p.getByRole('button', { name: title, exact: true }) });

/** The focused element is the open button of the card titled `title`, wholly inside the viewport. */
async function focusedCardInView(p: Page): Promise<{ title: string | null; inView: boolean }> {
  return p.evaluate(() => {
    const el = document.activeElement;
    if (!(el instanceof HTMLElement) || !el.classList.contains('activity-open')) return { title: null, inView: false };
    const r = el.getBoundingClientRect();
    return { title: el.textContent, inView: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth };
  });
}

async function propose(p: Page, title: string): Promise<void> {
  await p.getByLabel('Activity title').fill(title);
  await p.getByLabel('Activity title').press('Enter');
  await expect.poll(() => focusedCardInView(p), { message: `new card “${title}” focused and in view` }).toEqual({ title, inView: true });
}

describeBrowser('web app: the board', () => {
  const suite = withBrowserServer();

  for (const [size, viewport] of [
    ['mobile', MOBILE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`cards at ${size}: new card focused, detail and edits, Escape, undo, reopen, search and filters`, { timeout: 180_000 }, async () => {
      const local = `bea-${size}`;
      const u = await signIn(suite.browser, suite.server, `${local}@example.com`, viewport);
      const p = u.page;
      const collabId = await createCollaboration(u, `Trip ${size}`);
      for (const t of ['Book the hotel', 'Rent bikes', 'Pack lunch', 'Buy sunscreen', 'Check the ferry', 'Print the map', 'Charge the lamps']) await propose(p, t);
      await expectPhase(p, 'saved');

      // Detail: who proposed it and its history; edit title, description and due date.
      await card(p, 'Rent bikes').getByRole('button', { name: 'Rent bikes' }).click();
      const detail = p.getByTestId('activity-detail');
      await detail.waitFor();
      await expect.poll(() => detail.textContent()).toContain(`Proposed by ${local}`);
      await detail.getByTestId('status-history').getByText(`by ${local}`).waitFor();
      await detail.getByLabel('Title').fill('Rent e-bikes');
      await detail.getByLabel('Description').fill('Two for the hills, with baskets');
      await detail.getByLabel('Due date').fill('2031-05-01T10:00');
      await detail.getByRole('button', { name: 'Save changes' }).click();
      await detail.getByText('Saved.').waitFor();
      await expectAccessible(p, `activity detail (${size})`);
      if (size === 'mobile') await p.screenshot({ path: join(SCREENSHOTS, 'activity-detail-mobile.png') });
      // Escape closes it; focus is back on the card that opened it.
      await p.keyboard.press('Escape');
      await detail.waitFor({ state: 'detached' });
      await expect.poll(() => focusedCardInView(p).then((f) => f.title)).toBe('Rent e-bikes');
      await card(p, 'Rent e-bikes').getByText(/^Due .*2031/).waitFor();
      await card(p, 'Rent e-bikes').getByText('Has a description').waitFor({ state: 'attached' });
      await expectPhase(p, 'saved');
      // The edits are the server's too: after a reload, still there.
      await p.reload();
      await card(p, 'Rent e-bikes').waitFor();

      // Complete, then Undo from the toast (a reopen): back where it was.
      const lunch = card(p, 'Pack lunch');
      await lunch.getByRole('button', { name: 'Complete' }).click();
      await expect.poll(() => lunch.getAttribute('data-status')).toBe('done');
      const toast = p.getByTestId('toast').filter({ hasText: '“Pack lunch” marked done.' });
      await toast.getByRole('button', { name: 'Undo' }).click();
      await expect.poll(() => lunch.getAttribute('data-status'), { timeout: 10_000 }).toBe('proposed');

      // Cancel opens an inline form; Escape closes it and focus returns to Cancel.
      const hotel = card(p, 'Book the hotel');
      await hotel.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => p.evaluate(() => document.activeElement?.id ?? '')).toMatch(/^reason-/);
      await p.keyboard.press('Escape');
      await hotel.getByLabel('Reason (optional)').waitFor({ state: 'detached' });
      await expect.poll(() => p.evaluate(() => document.activeElement?.textContent ?? '')).toBe('Cancel');
      await p.keyboard.press('Enter');
      await hotel.getByLabel('Reason (optional)').fill('Found a campsite');
      await hotel.getByRole('button', { name: 'Cancel activity' }).click();
      await expect.poll(() => hotel.getAttribute('data-status')).toBe('cancelled');
      await hotel.getByText('reason: Found a campsite').waitFor({ state: 'attached' });
      // Reopen from the card: back to proposed, reason cleared.
      await hotel.getByRole('button', { name: 'Reopen' }).click();
      await expect.poll(() => hotel.getAttribute('data-status'), { timeout: 10_000 }).toBe('proposed');
      // Its detail names who proposed it in the history (one person's quick cancel-and-reopen is one change group).
      await hotel.getByRole('button', { name: 'Book the hotel' }).click();
      await expect.poll(() => p.getByTestId('status-history').getByRole('listitem').first().textContent()).toMatch(new RegExp(`^Proposed by ${local}`));
      await p.getByRole('button', { name: 'Close' }).click();
      await detail.waitFor({ state: 'detached' });

      // Search and filter; / and N are the keyboard's way to the search and the new-activity field.
      await lunch.getByRole('button', { name: 'Complete' }).click();
      await expect.poll(() => lunch.getAttribute('data-status')).toBe('done');
      await p.keyboard.press('/');
      await expect.poll(() => p.evaluate(() => document.activeElement?.id)).toBe('board-search');
      await p.keyboard.type('BIKES hills');
      await expect.poll(() => p.getByTestId('activity').count()).toBe(1);
      await p.getByTestId('board-shown').getByText('1 of 7 shown').waitFor();
      await p.getByLabel('Search').press('Escape');
      await expect.poll(() => p.getByTestId('activity').count()).toBe(7);
      await p.getByLabel('Status', { exact: true }).selectOption('done');
      await expect.poll(() => p.getByTestId('activity').count()).toBe(1);
      await card(p, 'Pack lunch').waitFor();
      expect(await p.locator('[data-column]').count()).toBe(1);
      await p.getByLabel('Proposed by').selectOption({ label: local });
      await expect.poll(() => p.getByTestId('activity').count()).toBe(1);
      await p.getByRole('button', { name: 'Clear filters' }).click();
      await expect.poll(() => p.getByTestId('activity').count()).toBe(7);
      await card(p, 'Print the map').getByRole('button', { name: 'Print the map' }).focus();
      await p.keyboard.press('n');
      await expect.poll(() => p.evaluate(() => document.activeElement?.id)).toBe('propose-title');
      expect(await p.getByLabel('Activity title').inputValue()).toBe('');

      if (size === 'mobile') {
        // Columns are tabs: one column fills the width; a tab or a swipe brings another.
        const tabs = p.getByRole('tablist', { name: 'Board columns' });
        await tabs.waitFor();
        const inView = (status: string) =>
          p.evaluate((s) => {
            const board = document.querySelector<HTMLElement>('[data-testid="board"]')!.getBoundingClientRect();
            const col = document.querySelector<HTMLElement>(`[data-column="${s}"]`)!.getBoundingClientRect();
            return Math.abs(col.left - board.left) < 2 && col.width >= board.width - 2;
          }, status);
        for (const box of await tabs.getByRole('tab').evaluateAll((els) => els.map((e) => ({ right: e.getBoundingClientRect().right, cut: e.scrollWidth > e.clientWidth })))) {
          expect(box.right).toBeLessThanOrEqual(viewport.width);
          expect(box.cut).toBe(false);
        }
        await tabs.getByRole('tab', { name: /Proposed/ }).click();
        await expect.poll(() => inView('proposed')).toBe(true);
        await tabs.getByRole('tab', { name: /Done/ }).click();
        await expect.poll(() => inView('done')).toBe(true);
        await expect.poll(() => tabs.getByRole('tab', { name: /Done/ }).getAttribute('aria-selected')).toBe('true');
        await p.keyboard.press('ArrowLeft');
        await expect.poll(() => inView('scheduled')).toBe(true);
        await expect.poll(() => p.evaluate(() => document.activeElement?.id)).toBe('column-tab-scheduled');
        // A swipe is a scroll of the board: the tab follows.
        await p.evaluate(() => {
          const board = document.querySelector<HTMLElement>('[data-testid="board"]')!;
          const col = document.querySelector<HTMLElement>('[data-column="cancelled"]')!;
          board.scrollTo({ left: col.offsetLeft - board.offsetLeft });
        });
        await expect.poll(() => tabs.getByRole('tab', { name: /Cancelled/ }).getAttribute('aria-selected')).toBe('true');
        // A new card brings the Proposed column back into view, focused.
        await propose(p, 'Pick up the keys');
        await expect.poll(() => inView('proposed')).toBe(true);
        await p.evaluate(() => window.scrollTo(0, 0));
        await p.screenshot({ path: join(SCREENSHOTS, 'board-mobile.png') });
      } else {
        expect(await p.getByRole('tablist', { name: 'Board columns' }).isVisible()).toBe(false);
        const tops = await p.locator('[data-column]').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
        expect(new Set(tops).size).toBe(1);
        await p.screenshot({ path: join(SCREENSHOTS, 'board-desktop.png'), fullPage: true });
      }
      await expectNoHorizontalOverflow(p, `board (${size})`);
      await expectAccessible(p, `board (${size})`);
      expect(u.errors).toEqual([]);
      await u.context.close();
      void collabId;
    });
  }

  it('[P9] a card is edited offline through the document and the edit reaches the others once back', { timeout: 120_000 }, async () => {
    const ann = await signIn(suite.browser, suite.server, 'ann-offline@example.com', MOBILE);
    const ben = await signIn(suite.browser, suite.server, 'ben-offline@example.com', DESKTOP);
    const collabId = await createCollaboration(ann, 'Allotment');
    await propose(ann.page, 'Water the beans');
    await addMember(ann, collabId, ben, 'editor');
    await ann.page.goto(`/#/c/${collabId}`);
    await ben.page.goto(`/#/c/${collabId}`);
    await card(ben.page, 'Water the beans').waitFor({ timeout: 10_000 });
    await expectPhase(ann.page, 'saved');

    await setOffline(ann, true);
    await expectPhase(ann.page, 'offline');
    await card(ann.page, 'Water the beans').getByRole('button', { name: 'Water the beans' }).click();
    const detail = ann.page.getByTestId('activity-detail');
    await detail.getByLabel('Title').fill('Water the beans and peas');
    await detail.getByLabel('Description').fill('The can is by the shed');
    await detail.getByLabel('Due date').fill('2031-07-01T08:00');
    await detail.getByRole('button', { name: 'Save changes' }).click();
    await detail.getByText('Saved.').waitFor();
    // Offline, the history is what the document knows.
    await detail.getByText('The full history shows when the server can be reached.').waitFor();
    await ann.page.keyboard.press('Escape');
    await card(ann.page, 'Water the beans and peas').getByText(/^Due /).waitFor();
    expect(await card(ben.page, 'Water the beans and peas').count()).toBe(0);

    await setOffline(ann, false);
    await expectPhase(ann.page, 'saved', 20_000);
    const there = card(ben.page, 'Water the beans and peas');
    await there.waitFor({ timeout: 15_000 });
    await there.getByText(/^Due .*2031/).waitFor();
    await there.getByRole('button', { name: 'Water the beans and peas' }).click();
    await expect.poll(() => ben.page.getByTestId('activity-detail').getByLabel('Description').inputValue()).toBe('The can is by the shed');
    expect(ann.errors).toEqual([]);
    expect(ben.errors).toEqual([]);
    await ann.context.close();
    await ben.context.close();
  });

  it('[P5][G5] policy decides: an editor may not reopen when denied, a due date waits for approval, the person filter names people', { timeout: 180_000 }, async () => {
    const owner = await signIn(suite.browser, suite.server, 'olga@example.com', DESKTOP);
    const editor = await signIn(suite.browser, suite.server, 'ed@example.com', MOBILE);
    const collabId = await createCollaboration(owner, 'Choir');
    await propose(owner.page, 'Book the hall');
    await addMember(owner, collabId, editor, 'editor');
    await owner.page.goto(`/#/c/${collabId}/governance`);
    await owner.page.getByLabel('Reopen an activity — Editors').selectOption('deny');
    await owner.page.getByLabel('Schedule an activity — Editors').selectOption('approval');
    await owner.page.getByRole('button', { name: 'Save policy' }).click();
    await owner.page.getByText('Policy saved.').waitFor();
    await owner.page.goto(`/#/c/${collabId}`);
    await card(owner.page, 'Book the hall').getByRole('button', { name: 'Complete' }).click();
    await expect.poll(() => card(owner.page, 'Book the hall').getAttribute('data-status')).toBe('done');

    const e = editor.page;
    await e.goto(`/#/c/${collabId}`);
    await card(e, 'Book the hall').waitFor({ state: 'attached', timeout: 10_000 });
    await expect.poll(() => card(e, 'Book the hall').getAttribute('data-status')).toBe('done');
    await expect.poll(() => card(e, 'Book the hall').getByRole('button', { name: 'Reopen' }).isDisabled()).toBe(true);
    await propose(e, 'Print the songs');
    // Completing is allowed, but there is no Undo for someone who may not reopen.
    await card(e, 'Print the songs').getByRole('button', { name: 'Complete' }).click();
    await expect.poll(() => card(e, 'Print the songs').getAttribute('data-status')).toBe('done');
    expect(await e.getByRole('button', { name: 'Undo' }).count()).toBe(0);

    // The editor edits the title (allowed through the document) and asks for a due date (approval).
    await card(e, 'Book the hall').getByRole('button', { name: 'Book the hall' }).click();
    const detail = e.getByTestId('activity-detail');
    await detail.getByText('Reopen it first').waitFor();
    expect(await detail.getByLabel('Due date').isDisabled()).toBe(true);
    expect(await detail.getByRole('button', { name: 'Reopen' }).isDisabled()).toBe(true);
    await detail.getByLabel('Title').fill('Book the big hall');
    await detail.getByRole('button', { name: 'Save changes' }).click();
    await detail.getByText('Saved.').waitFor();
    await e.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    await card(owner.page, 'Book the big hall').waitFor({ timeout: 10_000 });

    // The owner reopens; the editor then requests a due date, which waits for the owner.
    await card(owner.page, 'Book the big hall').getByRole('button', { name: 'Reopen' }).click();
    await expect.poll(() => card(e, 'Book the big hall').getAttribute('data-status'), { timeout: 10_000 }).toBe('proposed');
    await card(e, 'Book the big hall').getByRole('button', { name: 'Book the big hall' }).click();
    await detail.getByText('waits for the owner’s approval').waitFor();
    await detail.getByLabel('Due date').fill('2031-06-01T18:00');
    await detail.getByRole('button', { name: 'Save changes' }).click();
    await detail.getByText('the new due date waits for owner approval').waitFor({ timeout: 10_000 });
    // Its history: proposed and done by the owner, reopened by the owner.
    const steps = detail.getByTestId('status-history').getByRole('listitem');
    await expect.poll(() => steps.allTextContents(), { timeout: 10_000 }).toEqual([
      expect.stringMatching(/^Proposed by olga/),
      expect.stringMatching(/^Done by olga/),
      expect.stringMatching(/^Proposed by olga/),
    ]);
    await e.keyboard.press('Escape');
    await detail.waitFor({ state: 'detached' });
    expect(await card(e, 'Book the big hall').getAttribute('data-status')).toBe('proposed');

    // The owner filters by who proposed.
    const o = owner.page;
    await card(o, 'Print the songs').waitFor({ timeout: 10_000 });
    await o.getByLabel('Proposed by').selectOption({ label: 'ed' });
    await expect.poll(() => o.getByTestId('activity').count()).toBe(1);
    await card(o, 'Print the songs').waitFor();
    await o.getByLabel('Proposed by').selectOption({ label: 'olga' });
    await card(o, 'Book the big hall').waitFor();
    await expect.poll(() => o.getByTestId('activity').count()).toBe(1);
    expect(editor.errors).toEqual([]);
    expect(owner.errors).toEqual([]);
    await owner.context.close();
    await editor.context.close();
  });
});
