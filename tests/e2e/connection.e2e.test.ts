// Honest connection states, at 375 × 812 and 1280 × 800: the browser is online but the server is down.
// The app says "Can't reach the server — retrying" (not "Offline"), keeps edits on the device, pauses
// what needs the server (create, run a check-in, add members) with the reason next to it, shows the
// list from the last visit without claiming there is none; signing out with unsaved edits warns and
// can wait until they are stored, which happens by itself once the server is back.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withBrowserServer } from './browser-suite.ts';
import { createCollaboration, DESKTOP, describeBrowser, expectPhase, PHONE, SCREENSHOTS, signIn, unsavedCount } from './harness.ts';

describeBrowser('web app: honest connection states', () => {
  const suite = withBrowserServer();

  for (const [size, viewport] of [
    ['mobile', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`a server that does not answer is said in words, its actions wait with a reason, and sign-out waits for unsaved edits (${size})`, { timeout: 180_000 }, async () => {
      const email = `dana-${size}@example.com`;
      const title = `Picnic ${size}`;
      const u = await signIn(suite.browser, suite.server, email, viewport);
      const collabId = await createCollaboration(u, title);
      await u.page.getByLabel('Activity title').fill('Fly a kite');
      await u.page.getByRole('button', { name: 'Propose' }).click();
      await u.page.getByTestId('activity').filter({ hasText: 'Fly a kite' }).waitFor();
      await u.page.goto(`/#/c/${collabId}/notes`);
      const notes = u.page.getByTestId('notes');
      await notes.click();
      await u.page.keyboard.type('Blanket');
      await expectPhase(u.page, 'saved');

      await suite.server.stopServer();

      // The document says it cannot reach the server (the browser is online, so not "Offline").
      await expectPhase(u.page, 'unreachable');
      const status = u.page.getByTestId('sync-status');
      await expect.poll(() => status.textContent()).toContain('Can’t reach the server — retrying');
      expect(await status.getAttribute('role')).toBe('status');
      const banner = u.page.getByTestId('connection-banner');
      await expect.poll(() => banner.textContent()).toContain('Can’t reach the server — retrying.');
      expect(await banner.textContent()).toContain('You are online, but the server isn’t answering.');
      expect(await u.page.getByText('You are offline').count()).toBe(0);
      // The banner sits in a live region, so the change is announced.
      expect(await u.page.getByRole('status').filter({ has: banner }).count()).toBe(1);

      // Editing goes on; the edits wait on this device.
      await notes.click();
      await u.page.keyboard.press('End');
      await u.page.keyboard.type(', cheese');
      await expect.poll(() => unsavedCount(u.page)).toBeGreaterThan(0);
      await expect.poll(() => status.textContent()).toMatch(/unsaved change/);
      await u.page.evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
        window.scrollTo(0, 0);
      });
      await u.page.screenshot({ path: join(SCREENSHOTS, `connection-unreachable-notes-${size}.png`), fullPage: true });

      // Actions on the board that need the server are disabled, with the reason beside them.
      await u.page.goto(`/#/c/${collabId}`);
      const card = u.page.getByTestId('activity').filter({ hasText: 'Fly a kite' });
      await expect.poll(() => card.getByRole('button', { name: 'Complete' }).isDisabled()).toBe(true);
      await u.page.getByText('Scheduling, completing or cancelling an activity needs the server, which can’t be reached right now.').waitFor();
      expect(await card.getByRole('button', { name: 'Complete' }).getAttribute('aria-describedby')).toBe('board-needs-server');
      // Proposing is written to the document and still works.
      expect(await u.page.getByLabel('Activity title').isDisabled()).toBe(false);

      // Running a check-in needs the server: disabled, the reason said, no "no check-ins yet" under an error.
      await u.page.goto(`/#/c/${collabId}/digest`);
      const runNow = u.page.getByRole('button', { name: 'Run check-in now' });
      await expect.poll(() => runNow.isDisabled()).toBe(true);
      const reason = u.page.getByText('Running a check-in needs the server, which can’t be reached right now.');
      await reason.waitFor();
      expect(await runNow.getAttribute('aria-describedby')).toBe(await reason.getAttribute('id'));
      await u.page.getByText('Check-in digests can’t be loaded right now: the server can’t be reached.').waitFor();
      expect(await u.page.getByText('No check-ins yet').count()).toBe(0);
      expect(await u.page.getByRole('alert').count()).toBe(0);
      await u.page.screenshot({ path: join(SCREENSHOTS, `connection-unreachable-digest-${size}.png`), fullPage: true });

      // Adding a member (inviting) needs the server.
      await u.page.goto(`/#/c/${collabId}/members`);
      await u.page.getByText('Adding members, removing them and changing roles needs the server, which can’t be reached right now.').waitFor();
      await u.page.getByLabel('Email', { exact: true }).fill('someone@example.com');
      await expect.poll(() => u.page.getByRole('button', { name: 'Invite', exact: true }).isDisabled()).toBe(true);
      await expect.poll(() => u.page.getByRole('button', { name: 'Create invite link' }).isDisabled()).toBe(true);

      // The list: from the last visit, said so, never "no collaborations yet"; creating waits.
      await u.page.goto('/#/');
      await u.page.getByText('Can’t reach the server: showing the list from your last visit.').waitFor();
      await u.page.getByRole('link', { name: new RegExp(title) }).waitFor();
      expect(await u.page.getByText('No collaborations yet').count()).toBe(0);
      await u.page.getByLabel('New collaboration').fill('Another trip');
      await expect.poll(() => u.page.getByRole('button', { name: 'Create' }).isDisabled()).toBe(true);
      await u.page.getByText('Creating a collaboration needs the server, which can’t be reached right now.').waitFor();
      await u.page.screenshot({ path: join(SCREENSHOTS, `connection-unreachable-list-${size}.png`), fullPage: true });

      // Signing out with unsaved edits warns, says where and why, and can be called off.
      await u.page.getByRole('button', { name: 'Sign out' }).click();
      const dialog = u.page.getByRole('dialog', { name: 'Some changes are not saved yet' });
      await dialog.waitFor();
      await expect.poll(() => dialog.textContent()).toMatch(new RegExp(`\\d+ changes? in “${title}” ha(s|ve) not reached the server yet`));
      expect(await dialog.textContent()).toContain('The server can’t be reached right now, so saving waits until it answers.');
      await u.page.screenshot({ path: join(SCREENSHOTS, `signout-unsaved-${size}.png`) });
      await dialog.getByRole('button', { name: 'Stay signed in' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await u.page.getByRole('heading', { name: 'Collaborations' }).waitFor();

      // ... or wait: once the server is back and has stored the edits, sign-out happens by itself.
      await u.page.getByRole('button', { name: 'Sign out' }).click();
      await dialog.getByRole('button', { name: 'Wait until saved, then sign out' }).click();
      await dialog.getByRole('status').filter({ hasText: /Saving… \d+ changes? left/ }).waitFor();
      expect(await u.page.getByLabel('E-mail').count()).toBe(0);
      await suite.server.restartServer();
      await u.page.getByLabel('E-mail').waitFor({ timeout: 30_000 });
      expect(await u.page.getByRole('dialog').count()).toBe(0);

      // The edits made while the server was down are stored: another device reads them.
      const other = await signIn(suite.browser, suite.server, email, viewport);
      await other.page.goto(`/#/c/${collabId}/notes`);
      await expect.poll(() => other.page.getByTestId('notes').inputValue(), { timeout: 15_000 }).toBe('Blanket, cheese');
      await expectPhase(other.page, 'saved');

      expect(u.errors).toEqual([]);
      expect(other.errors).toEqual([]);
      await u.context.close();
      await other.context.close();
    });
  }
});
