// Every main screen at 375 and 1280 px: no horizontal overflow of the page, zero serious or critical
// axe-core violations, every collaboration section reachable in the section navigation (at 375 px
// too, none cut off), focus rings that nothing clips, and Escape closing what Enter opened.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { expectAccessible, expectNoHorizontalOverflow } from './a11y.ts';
import { withBrowserServer } from './browser-suite.ts';
import { addMember, createCollaboration, describeBrowser, DESKTOP, MOBILE, SCREENSHOTS, signIn } from './harness.ts';

type Viewport = { width: number; height: number };
const SIZES: [string, Viewport][] = [
  ['mobile', MOBILE],
  ['desktop', DESKTOP],
];

/** A screen, and how to tell it has rendered (never measured before that). */
const TABS: [tab: string, ready: (p: Page) => Promise<void>][] = [
  ['board', (p) => p.getByTestId('board').waitFor()],
  ['messages', (p) => p.getByLabel('Message', { exact: false }).first().waitFor()],
  ['notes', (p) => p.getByTestId('notes').waitFor()],
  ['members', (p) => p.getByTestId('member-row').first().waitFor()],
  ['governance', (p) => p.getByTestId('policy-table').waitFor()],
  ['digest', (p) => p.getByTestId('digest').or(p.getByText(/No check-ins yet/)).first().waitFor()],
  ['settings', (p) => p.getByTestId('settings-form').waitFor()],
  ['audit', (p) => p.getByRole('heading', { name: 'Audit log' }).waitFor()],
];

/** Every part of `el`'s outline box (its box plus the focus outline) lies inside each clipping ancestor. */
async function focusRingUnclipped(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!(el instanceof HTMLElement) || el === document.body) return false;
    const style = getComputedStyle(el);
    if (style.outlineStyle === 'none' || parseFloat(style.outlineWidth) === 0) return false;
    const grow = parseFloat(style.outlineWidth) + parseFloat(style.outlineOffset || '0');
    const r = el.getBoundingClientRect();
    const ring = { left: r.left - grow, right: r.right + grow, top: r.top - grow, bottom: r.bottom + grow };
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      const clipsX = s.overflowX !== 'visible';
      const clipsY = s.overflowY !== 'visible';
      if (!clipsX && !clipsY) continue;
      const b = a.getBoundingClientRect();
      if (clipsX && (ring.left < b.left - 0.5 || ring.right > b.right + 0.5)) return false;
      if (clipsY && (ring.top < b.top - 0.5 || ring.bottom > b.bottom + 0.5)) return false;
    }
    return true;
  });
}

/** Tabs through the whole screen; every element that takes focus shows a ring nothing clips. */
async function everyFocusRingWhole(p: Page, screen: string): Promise<string[]> {
  await p.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const bad: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < 80; i++) {
    await p.keyboard.press('Tab');
    const who = await p.evaluate(() => {
      const el = document.activeElement;
      if (!(el instanceof HTMLElement) || el === document.body) return null;
      const path: string[] = [];
      for (let a: Element | null = el; a && a !== document.body; a = a.parentElement) path.unshift(`${a.tagName.toLowerCase()}${a.id ? `#${a.id}` : ''}:${[...(a.parentElement?.children ?? [])].indexOf(a)}`);
      return `${path.join('>')} “${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}”`;
    });
    if (who === null || seen.has(who)) break;
    seen.add(who);
    if (!(await focusRingUnclipped(p))) bad.push(`${screen}: ${who}`);
  }
  return bad;
}

describeBrowser('every screen at 375 and 1280 px: no overflow, accessible, every section reachable', () => {
  const suite = withBrowserServer();

  for (const [size, viewport] of SIZES) {
    it(`screens at ${size} (${viewport.width} px): no horizontal overflow, zero serious axe violations`, { timeout: 180_000 }, async () => {
      // Signed out: the sign-in card.
      const context = await suite.browser.newContext({ viewport, baseURL: suite.server.url });
      const anon = await context.newPage();
      await anon.goto('/');
      await anon.getByLabel('E-mail').waitFor();
      await expectNoHorizontalOverflow(anon, `sign-in (${size})`);
      await expectAccessible(anon, `sign-in (${size})`);
      await context.close();

      const u = await signIn(suite.browser, suite.server, `screens-${size}@example.com`, viewport);
      const p = u.page;
      await p.getByRole('heading', { name: 'Collaborations' }).waitFor();
      const id = await createCollaboration(u, `Screens ${size}`);
      await p.getByLabel('Activity title').fill('Plan the route');
      await p.getByRole('button', { name: 'Propose', exact: true }).click();
      await p.getByTestId('activity').filter({ hasText: 'Plan the route' }).waitFor();

      await p.goto('/#/');
      await p.getByTestId('collab-list').waitFor();
      await expectNoHorizontalOverflow(p, `collaborations (${size})`);
      await expectAccessible(p, `collaborations (${size})`);

      for (const [tab, ready] of TABS) {
        await p.goto(`/#/c/${id}/${tab}`);
        await ready(p);
        await expectNoHorizontalOverflow(p, `${tab} (${size})`);
        await expectAccessible(p, `${tab} (${size})`);
        expect(await everyFocusRingWhole(p, `${tab} (${size})`)).toEqual([]);
        // Every section is in the navigation and inside the screen's width: nothing to discover by scrolling.
        const links = p.getByRole('navigation', { name: 'Collaboration sections' }).getByRole('link');
        expect(await links.count()).toBeGreaterThanOrEqual(TABS.length);
        for (const box of await links.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect))) {
          expect(box.left).toBeGreaterThanOrEqual(0);
          expect(box.right).toBeLessThanOrEqual(viewport.width);
        }
        if (size === 'mobile' && tab === 'governance') await p.screenshot({ path: join(SCREENSHOTS, 'governance-mobile.png'), fullPage: true });
      }

      // The activity's detail dialog.
      await p.goto(`/#/c/${id}`);
      await p.getByTestId('activity').getByRole('button', { name: 'Plan the route' }).click();
      await p.getByTestId('activity-detail').waitFor();
      await expectNoHorizontalOverflow(p, `activity detail (${size})`);
      await expectAccessible(p, `activity detail (${size})`);
      await p.keyboard.press('Escape');
      await p.getByTestId('activity-detail').waitFor({ state: 'detached' });

      for (const [name, path, heading] of [
        ['inbox', '/#/inbox', 'Approval inbox'],
        ['notifications', '/#/notifications', 'Notifications'],
      ] as const) {
        await p.goto(path);
        await p.getByRole('heading', { name: heading, level: 1 }).waitFor();
        await expectNoHorizontalOverflow(p, `${name} (${size})`);
        await expectAccessible(p, `${name} (${size})`);
      }
      expect(u.errors).toEqual([]);
      await u.context.close();
    });
  }

  it('an expired session: the banner fits 375 px, Escape closes the sign-in form it opened and focus returns', { timeout: 90_000 }, async () => {
    const u = await signIn(suite.browser, suite.server, 'expiry@example.com', MOBILE);
    const p = u.page;
    const id = await createCollaboration(u, 'Expiry');
    await p.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('trellis:session') ?? '{}') as { token: string };
      localStorage.setItem('trellis:session', JSON.stringify({ ...s, token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.invalid' }));
    });
    await p.goto(`/#/c/${id}`);
    await p.reload();
    await p.getByTestId('relogin').waitFor({ timeout: 20_000 });
    const again = p.getByRole('button', { name: 'Sign in again' });
    await again.focus();
    await p.keyboard.press('Enter');
    await p.getByTestId('relogin').getByLabel('E-mail').waitFor();
    await expectNoHorizontalOverflow(p, 'relogin (mobile)');
    await expectAccessible(p, 'relogin (mobile)');
    await p.getByTestId('relogin').getByLabel('E-mail').focus();
    await p.keyboard.press('Escape');
    await p.getByTestId('relogin').getByLabel('E-mail').waitFor({ state: 'detached' });
    await expect.poll(() => again.evaluate((el) => el === document.activeElement)).toBe(true);
    await u.context.close();
  });

  it('focus rings on the section tabs and board controls are drawn whole (nothing clips them), at 375 px', { timeout: 90_000 }, async () => {
    const u = await signIn(suite.browser, suite.server, 'focus@example.com', MOBILE);
    const p = u.page;
    const id = await createCollaboration(u, 'Focus check');
    await p.getByLabel('Activity title').fill('Walk the dog');
    await p.getByRole('button', { name: 'Propose', exact: true }).click();
    await p.getByTestId('activity').filter({ hasText: 'Walk the dog' }).waitFor();
    await p.goto(`/#/c/${id}/audit`);
    await p.getByRole('heading', { name: 'Audit log' }).waitFor();
    // Keyboard focus (focus-visible) on every section tab in turn.
    const links = p.getByRole('navigation', { name: 'Collaboration sections' }).getByRole('link');
    await links.first().focus();
    await p.keyboard.press('Shift+Tab');
    const sections = await links.count();
    for (let i = 0; i < sections; i++) {
      await p.keyboard.press('Tab');
      await expect.poll(() => p.evaluate(() => document.activeElement?.closest('nav')?.getAttribute('aria-label') ?? null)).toBe('Collaboration sections');
      expect(await focusRingUnclipped(p), `focus ring of section tab ${i + 1}`).toBe(true);
    }
    await p.goto(`/#/c/${id}`);
    const open = p.getByTestId('activity').getByRole('button', { name: 'Walk the dog' });
    await open.waitFor();
    await p.getByLabel('Activity title').focus();
    await p.keyboard.press('Tab'); // Propose (disabled: skipped) → search
    while (!(await open.evaluate((el) => el === document.activeElement))) await p.keyboard.press('Tab');
    expect(await focusRingUnclipped(p), 'focus ring of a card').toBe(true);
    // A card is one Tab stop: its buttons are reached with the arrow keys.
    await p.keyboard.press('ArrowRight');
    await expect.poll(() => p.evaluate(() => document.activeElement?.textContent ?? '')).toBe('Schedule');
    expect(await focusRingUnclipped(p), 'focus ring of Schedule').toBe(true);

    // Escape closes what Enter opened: the members' confirmation, focus back on the control that asked.
    const pat = await signIn(suite.browser, suite.server, 'pat-focus@example.com', MOBILE);
    await addMember(u, id, pat, 'editor');
    const remove = p.getByRole('button', { name: 'Remove pat-focus' });
    await remove.focus();
    await p.keyboard.press('Enter');
    await p.getByTestId('confirm').waitFor();
    await p.keyboard.press('Escape');
    await p.getByTestId('confirm').waitFor({ state: 'detached' });
    await expect.poll(() => remove.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await p.getByTestId('member-row').filter({ hasText: 'pat-focus' }).count()).toBe(1);
    await pat.context.close();
    await u.context.close();
  });
});
