// The board with the keyboard only, at 1280 px: each card is one Tab stop; the arrow keys move among
// its buttons (left, right) and between cards (up, down); the card remembers the button used last;
// Escape closes what Enter opened and focus goes back to the control that opened it.
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { expectAccessible } from './a11y.ts';
import { withBrowserServer } from './browser-suite.ts';
import { createCollaboration, describeBrowser, DESKTOP, signIn } from './harness.ts';

/** "<card title> / <control>", or "outside" when focus is not on a card. */
async function where(p: Page): Promise<string> {
  return p.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const card = el?.closest('[data-testid="activity"]');
    if (!el || !card) return el?.id ? `outside #${el.id}` : 'outside';
    const title = card.querySelector('.activity-open')?.textContent ?? '';
    const control = el.classList.contains('activity-open') ? 'title' : el.id ? `#${el.id.replace(/-.*/, '')}` : (el.textContent ?? '');
    return `${title} / ${control}`;
  });
}

async function press(p: Page, key: string, expected: string): Promise<void> {
  await p.keyboard.press(key);
  await expect.poll(() => where(p), { message: `after ${key}` }).toBe(expected);
}

describeBrowser('web app: the board by keyboard', () => {
  const suite = withBrowserServer();

  it('one Tab stop per card, arrow keys inside, Escape closes what Enter opened', { timeout: 120_000 }, async () => {
    const u = await signIn(suite.browser, suite.server, 'kim@example.com', DESKTOP);
    const p = u.page;
    await createCollaboration(u, 'Move house');
    await p.locator('body').focus();
    for (const title of ['Alpha', 'Beta', 'Gamma']) {
      await p.keyboard.press('n');
      await p.keyboard.type(title);
      await press(p, 'Enter', `${title} / title`);
    }

    // Tab goes card to card: three cards, three stops, then out of the board.
    await press(p, 'Shift+Tab', 'Beta / title');
    await press(p, 'Shift+Tab', 'Alpha / title');
    await press(p, 'Tab', 'Beta / title');
    await press(p, 'Tab', 'Gamma / title');
    await p.keyboard.press('Tab');
    expect(await where(p)).toMatch(/^outside/);

    // Inside a card the arrows move among its buttons, wrapping; the card keeps the last one.
    await press(p, 'Shift+Tab', 'Gamma / title');
    await press(p, 'ArrowUp', 'Beta / title');
    await press(p, 'ArrowRight', 'Beta / Schedule');
    await press(p, 'ArrowRight', 'Beta / Complete');
    await press(p, 'ArrowRight', 'Beta / Cancel');
    await press(p, 'ArrowRight', 'Beta / title');
    await press(p, 'ArrowLeft', 'Beta / Cancel');
    await press(p, 'Shift+Tab', 'Alpha / title');
    await press(p, 'Tab', 'Beta / Cancel');
    await press(p, 'ArrowDown', 'Gamma / title');
    await press(p, 'ArrowUp', 'Beta / Cancel');

    // Enter opens the cancel form in the card; Escape closes it, back on Cancel, nothing changed.
    await press(p, 'Enter', 'Beta / #reason');
    await press(p, 'Escape', 'Beta / Cancel');
    expect(await p.getByTestId('activity').filter({ hasText: 'Beta' }).getAttribute('data-status')).toBe('proposed');

    // Complete by keyboard: the card moves to Done with focus; its one button there is Reopen.
    await press(p, 'ArrowLeft', 'Beta / Complete');
    await press(p, 'Enter', 'Beta / title');
    expect(await p.locator('#column-done').getByTestId('activity').filter({ hasText: 'Beta' }).count()).toBe(1);
    await press(p, 'ArrowRight', 'Beta / Reopen');
    await press(p, 'Enter', 'Beta / title');
    expect(await p.locator('#column-proposed').getByTestId('activity').filter({ hasText: 'Beta' }).count()).toBe(1);

    // Enter on the title opens the detail; Escape closes it, back on the card.
    await p.keyboard.press('Enter');
    await p.getByTestId('activity-detail').waitFor();
    await press(p, 'Escape', 'Beta / title');
    await p.getByTestId('activity-detail').waitFor({ state: 'detached' });
    await expectAccessible(p, 'board by keyboard');
    expect(u.errors).toEqual([]);
  });
});
