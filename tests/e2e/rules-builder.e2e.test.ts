// The rules builder at 375 and 1280 px: a person builds a rule with the form (at 1280 px with the
// keyboard only), saves it, and sees it act on the board; a rule the form cannot show stays JSON
// and is saved unchanged; the screen has no horizontal overflow and no serious axe violations.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { expectAccessible, expectNoHorizontalOverflow } from './a11y.ts';
import { withBrowserServer } from './browser-suite.ts';
import { createCollaboration, describeBrowser, DESKTOP, MOBILE, SCREENSHOTS, signIn, token } from './harness.ts';
import type { TestUser } from './harness.ts';

const ADVANCED = {
  id: 'welcome',
  name: 'Welcome people who join',
  enabled: true,
  trigger: 'memberAdded',
  condition: { in: [{ var: 'role' }, ['editor', 'viewer']] },
  actions: [{ action: 'sendMessage', params: { body: 'Welcome aboard!' } }],
};
const THANKS = 'Nice work, that one is done!';

async function storedRules(u: TestUser, collabId: string, server: string): Promise<unknown[]> {
  const res = await fetch(`${server}/api/collaborations/${collabId}/rules`, { headers: { Authorization: `Bearer ${await token(u)}` } });
  return ((await res.json()) as { rules: unknown[] }).rules;
}

/** The focused control's label (or its text), as a screen reader would start to say it. */
async function focusedName(p: Page): Promise<string> {
  return p.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return '';
    const labels = (el as HTMLInputElement).labels;
    return (labels?.[0]?.textContent ?? el.getAttribute('aria-label') ?? el.textContent ?? '').trim();
  });
}

/** Presses Tab until the focused control is called `name` (and fails if it never is). */
async function tabTo(p: Page, name: string | RegExp): Promise<void> {
  for (let i = 0; i < 12; i++) {
    await p.keyboard.press('Tab');
    const now = await focusedName(p);
    if (typeof name === 'string' ? now === name : name.test(now)) return;
  }
  throw new Error(`Tab never reached “${String(name)}”`);
}

async function propose(p: Page, title: string): Promise<void> {
  await p.getByLabel('Activity title').fill(title);
  await p.getByLabel('Activity title').press('Enter');
  await p.getByTestId('activity').filter({ hasText: title }).waitFor();
}

async function buildWithKeyboard(p: Page): Promise<void> {
  await p.getByRole('button', { name: 'Add a rule' }).focus();
  await p.keyboard.press('Enter');
  await expect.poll(() => focusedName(p)).toBe('Rule name');
  await p.keyboard.type('Thank on done');
  await tabTo(p, 'When');
  await tabTo(p, 'Add a condition');
  await p.keyboard.press('Enter');
  await expect.poll(() => focusedName(p)).toBe('Condition 1: what to check');
  await tabTo(p, 'Condition 1: value');
  // Proposed → Scheduled → Done.
  await p.keyboard.press('ArrowDown');
  await p.keyboard.press('ArrowDown');
  await tabTo(p, 'Message');
  await p.keyboard.type(THANKS);
  await tabTo(p, 'Save rules');
  await p.keyboard.press('Enter');
}

async function buildWithPointer(p: Page): Promise<void> {
  // Saving an unfinished rule says what is missing, next to the field, and goes there.
  await p.getByRole('button', { name: 'Add a rule' }).click();
  const card = p.getByTestId('rule-card').last();
  await p.getByRole('button', { name: 'Save rules' }).click();
  await card.getByText('Give the rule a name.').waitFor();
  await expect.poll(() => focusedName(p)).toBe('Rule name');
  await card.getByLabel('Rule name').fill('Thank on done');
  await card.getByLabel('When').selectOption({ label: 'An activity changes status' });
  await card.getByRole('button', { name: 'Add a condition' }).click();
  await card.getByLabel('Condition 1: what to check').selectOption({ label: 'Its new status' });
  await card.getByLabel('Condition 1: value').selectOption({ label: 'Done' });
  await card.getByLabel('Message').fill(THANKS);
  await p.getByRole('button', { name: 'Save rules' }).click();
}

describeBrowser('web app: the rules builder', () => {
  const suite = withBrowserServer();

  for (const [size, viewport] of [
    ['mobile', MOBILE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`[G8] at ${size}: a person builds a rule with the form and sees it act on the board`, { timeout: 180_000 }, async () => {
      const u = await signIn(suite.browser, suite.server, `rita-${size}@example.com`, viewport);
      const p = u.page;
      const collabId = await createCollaboration(u, `Flat ${size}`);
      await propose(p, 'Pick up the keys');
      await propose(p, 'Paint the hall');
      const put = await fetch(`${suite.server.url}/api/collaborations/${collabId}/rules`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${await token(u)}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ rules: [ADVANCED] }),
      });
      expect(put.status).toBe(200);
      const [advancedStored] = await storedRules(u, collabId, suite.server.url);

      await p.goto(`/#/c/${collabId}/governance`);
      const advanced = p.getByTestId('rule-card').filter({ hasText: 'Welcome people who join' });
      await advanced.getByText(/goes beyond what the form can show/).waitFor();

      if (size === 'desktop') await buildWithKeyboard(p);
      else await buildWithPointer(p);
      await p.getByTestId('toast').filter({ hasText: 'Rules saved.' }).waitFor();

      // Read back from the server: the rule is in words, and the rule the form cannot show is unchanged.
      await p.reload();
      const built = p.getByTestId('rule-card').filter({ hasText: 'Thank on done' });
      await built.getByText('When an activity changes status, if its new status is Done: post a message.').waitFor();
      await expect.poll(() => built.getByLabel('Message').inputValue()).toBe(THANKS);
      expect((await storedRules(u, collabId, suite.server.url))[0]).toEqual(advancedStored);
      await expectNoHorizontalOverflow(p, `rules builder (${size})`);
      await expectAccessible(p, `rules builder (${size})`);
      await p.screenshot({ path: join(SCREENSHOTS, `rules-builder-${size}.png`), fullPage: true });

      // On the board: cancelling does not match the condition; completing does, and the message appears.
      await p.goto(`/#/c/${collabId}`);
      const cardOf = (title: string) => p.getByTestId('activity').filter({ hasText: title });
      const paint = cardOf('Paint the hall');
      await paint.getByRole('button', { name: 'Cancel' }).click();
      await paint.getByRole('button', { name: 'Cancel activity' }).click();
      await expect.poll(() => paint.getAttribute('data-status')).toBe('cancelled');
      const keys = cardOf('Pick up the keys');
      await keys.getByRole('button', { name: 'Complete' }).click();
      await expect.poll(() => keys.getAttribute('data-status')).toBe('done');
      await p.goto(`/#/c/${collabId}/messages`);
      await p.getByTestId('message').filter({ hasText: THANKS }).waitFor({ timeout: 15_000 });
      await new Promise((r) => setTimeout(r, 500));
      expect(await p.getByTestId('message').filter({ hasText: THANKS }).count()).toBe(1);
      expect(u.errors).toEqual([]);
    });
  }
});
