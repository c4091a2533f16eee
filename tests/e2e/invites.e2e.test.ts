// Inviting people and live roles in the web app, with two or three people in separate browser
// contexts at 1280 × 800 and 375 × 812: by email (a known person joins at once and sees the
// collaboration appear), by link (the newcomer signs in from the link and lands in it), and a
// downgrade that reaches the member's open window. Every check waits for a state (SPEC [I1]–[I5]).
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withBrowserServer } from './browser-suite.ts';
import { createCollaboration, DESKTOP, PHONE, SCREENSHOTS, signIn, describeBrowser } from './harness.ts';

describeBrowser('web app: invites and live roles', () => {
  const suite = withBrowserServer();

  for (const [size, ownerView, guestView] of [['desktop', DESKTOP, PHONE], ['phone', PHONE, DESKTOP]] as const) {
    it(`[I1][I3][I5] owner invites by email and by link; invitees see the collaboration (${size})`, { timeout: 120_000 }, async () => {
      const owner = await signIn(suite.browser, suite.server, `olga-${size}@example.com`, ownerView);
      const pat = await signIn(suite.browser, suite.server, `pat-${size}@example.com`, guestView);
      const title = `Team trip ${size}`;
      const collabId = await createCollaboration(owner, title);

      // By email: Pat has signed in before, so joins at once; their list follows live, with a notification.
      await owner.page.goto(`/#/c/${collabId}/members`);
      expect(await owner.page.getByText(/user id/i).count()).toBe(0);
      await owner.page.getByLabel('Email', { exact: true }).fill(pat.email);
      await owner.page.locator('#member-role').selectOption('editor');
      await owner.page.getByRole('button', { name: 'Invite', exact: true }).click();
      await owner.page.getByTestId('toast').filter({ hasText: `Added ${pat.email} as editor` }).waitFor();
      const patRow = owner.page.getByTestId('member-row').filter({ hasText: pat.email });
      await patRow.getByText(`pat-${size}`, { exact: true }).waitFor();
      await pat.page.getByRole('link', { name: new RegExp(title) }).waitFor({ timeout: 15_000 });
      await pat.page.getByLabel('1 unread').waitFor({ timeout: 15_000 });

      // Someone who never signed in: a pending invite, listed as open.
      await owner.page.getByLabel('Email', { exact: true }).fill(`newcomer-${size}@example.com`);
      await owner.page.getByRole('button', { name: 'Invite', exact: true }).click();
      await owner.page.getByTestId('toast').filter({ hasText: 'they join when they first sign in' }).waitFor();
      await owner.page.getByTestId('open-invites').getByText(`newcomer-${size}@example.com`).waitFor();

      // By link, copied with the button.
      await owner.context.grantPermissions(['clipboard-read', 'clipboard-write']);
      await owner.page.getByLabel('Role for the link').selectOption('viewer');
      await owner.page.getByRole('button', { name: 'Create invite link' }).click();
      const linkField = owner.page.getByTestId('invite-link');
      await expect.poll(() => linkField.inputValue()).toMatch(/\/#\/invite\/[A-Za-z0-9_-]{40,}$/);
      const url = await linkField.inputValue();
      await owner.page.getByRole('button', { name: 'Copy link' }).click();
      await owner.page.getByTestId('toast').filter({ hasText: 'Invite link copied.' }).waitFor();
      expect(await owner.page.evaluate(() => navigator.clipboard.readText())).toBe(url);
      await owner.page.screenshot({ path: join(SCREENSHOTS, `invites-owner-${size}.png`), fullPage: true });

      // A newcomer opens the link, signs in, and lands in the collaboration as a viewer.
      const ctx = await suite.browser.newContext({ viewport: guestView, baseURL: suite.server.url });
      const vera = await ctx.newPage();
      await vera.goto(new URL(url).pathname + new URL(url).hash);
      await vera.getByLabel('E-mail').fill(`vera-${size}@example.com`);
      await vera.getByRole('button', { name: 'Sign in' }).click();
      await vera.getByRole('heading', { name: title }).waitFor({ timeout: 15_000 });
      await expect.poll(() => vera.locator('section.collab').getAttribute('data-role')).toBe('viewer');
      await vera.screenshot({ path: join(SCREENSHOTS, `invites-joined-${size}.png`), fullPage: true });
      // The owner's member list follows live.
      await owner.page.getByTestId('member-row').filter({ hasText: `vera-${size}@example.com` }).waitFor({ timeout: 15_000 });

      // The link was single-use: someone else opening it is told so.
      const late = await signIn(suite.browser, suite.server, `late-${size}@example.com`, guestView);
      await late.page.goto(new URL(url).pathname + new URL(url).hash);
      await late.page.getByRole('alert').filter({ hasText: 'already been used' }).waitFor();
      await late.context.close();
      await ctx.close();
      await owner.context.close();
      await pat.context.close();
    });

    it(`[I5][P7] a downgrade asks to confirm and reaches the member's open window; the last owner's controls say why they are off (${size})`, { timeout: 120_000 }, async () => {
      const owner = await signIn(suite.browser, suite.server, `oona-${size}@example.com`, ownerView);
      const ed = await signIn(suite.browser, suite.server, `ed-${size}@example.com`, guestView);
      const title = `Roles ${size}`;
      const collabId = await createCollaboration(owner, title);
      await owner.page.goto(`/#/c/${collabId}/members`);
      await owner.page.getByLabel('Email', { exact: true }).fill(ed.email);
      await owner.page.getByRole('button', { name: 'Invite', exact: true }).click();
      const edRow = owner.page.getByTestId('member-row').filter({ hasText: ed.email });
      await edRow.waitFor();

      // The only owner cannot be removed or downgraded: disabled, with the reason.
      const ownRow = owner.page.getByTestId('member-row').filter({ hasText: owner.email });
      await expect.poll(() => ownRow.getByRole('button', { name: /Remove/ }).isDisabled()).toBe(true);
      await expect.poll(() => ownRow.getByRole('combobox').isDisabled()).toBe(true);
      expect(await ownRow.getByRole('button', { name: /Remove/ }).getAttribute('aria-describedby')).toBe('last-owner-reason');
      await owner.page.getByTestId('last-owner-reason').filter({ hasText: 'make someone else an owner first' }).waitFor();

      // The editor has the collaboration open.
      await ed.page.goto(`/#/c/${collabId}`);
      await expect.poll(() => ed.page.locator('section.collab').getAttribute('data-role'), { timeout: 15_000 }).toBe('editor');
      await ed.page.getByLabel('Activity title').waitFor();

      // Downgrade: asked first; cancelling changes nothing.
      await edRow.getByRole('combobox').selectOption('viewer');
      const confirm = owner.page.getByTestId('confirm');
      await confirm.filter({ hasText: 'from editor to viewer' }).waitFor();
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => edRow.getByRole('combobox').inputValue()).toBe('editor');
      await edRow.getByRole('combobox').selectOption('viewer');
      await owner.page.screenshot({ path: join(SCREENSHOTS, `roles-confirm-${size}.png`), fullPage: true });
      await confirm.getByRole('button', { name: 'Make viewer' }).click();
      await owner.page.getByTestId('toast').filter({ hasText: 'is now viewer' }).waitFor();

      // The editor's open window switches to the viewer's screen at once, and says why.
      await ed.page.getByTestId('toast').filter({ hasText: 'Your role is now viewer' }).waitFor({ timeout: 10_000 });
      await expect.poll(() => ed.page.locator('section.collab').getAttribute('data-role')).toBe('viewer');
      await ed.page.getByText('You are a viewer').waitFor();
      await ed.page.screenshot({ path: join(SCREENSHOTS, `roles-downgraded-${size}.png`), fullPage: true });

      // Removing asks too.
      await edRow.getByRole('button', { name: /Remove/ }).click();
      await confirm.filter({ hasText: 'lose access' }).waitFor();
      await confirm.getByRole('button', { name: 'Remove' }).click();
      await expect.poll(() => owner.page.getByTestId('member-row').filter({ hasText: ed.email }).count(), { timeout: 10_000 }).toBe(0);
      await ed.page.getByTestId('toast').filter({ hasText: 'removed you' }).waitFor({ timeout: 10_000 });

      // Check-in now: a second request while one is queued says why nothing started.
      await owner.page.goto(`/#/c/${collabId}/digest`);
      await owner.page.getByRole('button', { name: 'Run check-in now' }).click();
      await owner.page.getByTestId('toast').filter({ hasText: 'Check-in started' }).waitFor();
      await owner.page.getByRole('button', { name: 'Run check-in now' }).click();
      await owner.page.getByTestId('checkin-refusal').filter({ hasText: 'already queued' }).waitFor();
      await owner.context.close();
      await ed.context.close();
    });
  }
});
