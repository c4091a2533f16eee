// Two people edit one collaboration live; one goes offline, edits, reloads while offline (the app
// opens from the service worker with the edits from IndexedDB), comes back, and both converge.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withBrowserServer } from './browser-suite.ts';
import { addMember, createCollaboration, DESKTOP, expectPhase, MOBILE, SCREENSHOTS, setOffline, signIn, unsavedCount, waitForServiceWorker, describeBrowser } from './harness.ts';
import type { TestUser } from './harness.ts';

describeBrowser('web app: live collaboration and offline editing', () => {
  const suite = withBrowserServer();
  let alice: TestUser;
  let bob: TestUser;
  let collabId: string;

  it('two users in two browsers see each other’s edits live', { timeout: 120_000 }, async () => {
    alice = await signIn(suite.browser, suite.server, 'alice@example.com', DESKTOP);
    bob = await signIn(suite.browser, suite.server, 'bob@example.com', MOBILE);
    collabId = await createCollaboration(alice, 'Team offsite');
    await addMember(alice, collabId, bob, 'editor');

    // Bob finds it in his list.
    await bob.page.reload();
    await bob.page.getByRole('link', { name: /Team offsite/ }).click();
    await bob.page.getByRole('heading', { name: 'Team offsite' }).waitFor();

    // A proposal on the board, through the document.
    await alice.page.goto(`/#/c/${collabId}`);
    await alice.page.getByLabel('Activity title').fill('Picnic by the lake');
    await alice.page.getByRole('button', { name: 'Propose' }).click();
    await expect.poll(() => bob.page.getByTestId('activity').filter({ hasText: 'Picnic by the lake' }).count(), { timeout: 10_000 }).toBe(1);

    // Messages both ways, with a mention.
    await alice.page.goto(`/#/c/${collabId}/messages`);
    await bob.page.goto(`/#/c/${collabId}/messages`);
    await alice.page.getByLabel('Message', { exact: true }).fill('Hi @bob, shall we go on Friday?');
    await alice.page.getByLabel('Message', { exact: true }).press('Enter');
    await bob.page.getByTestId('message').filter({ hasText: 'shall we go on Friday' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => bob.page.locator('mark.mention', { hasText: '@bob' }).count()).toBe(1);
    await bob.page.getByLabel('Message', { exact: true }).fill('Friday works for me');
    await bob.page.getByLabel('Message', { exact: true }).press('Enter');
    await alice.page.getByTestId('message').filter({ hasText: 'Friday works for me' }).waitFor({ timeout: 10_000 });

    // Notes typed live.
    await alice.page.goto(`/#/c/${collabId}/notes`);
    await bob.page.goto(`/#/c/${collabId}/notes`);
    await alice.page.getByTestId('notes').click();
    await alice.page.keyboard.type('Bring: blanket');
    await expect.poll(() => bob.page.getByTestId('notes').inputValue(), { timeout: 10_000 }).toBe('Bring: blanket');
    await expectPhase(alice.page, 'saved');
    await expect.poll(() => unsavedCount(alice.page)).toBe(0);
    // Presence: Alice sees two people.
    await expect.poll(() => alice.page.getByTestId('presence').locator('li').count(), { timeout: 10_000 }).toBe(2);

    // Screenshots of the main screens.
    for (const [u, size] of [[alice, 'desktop'], [bob, 'mobile']] as const) {
      await u.page.goto('/#/');
      await u.page.getByTestId('collab-list').waitFor();
      await u.page.screenshot({ path: join(SCREENSHOTS, `list-${size}.png`), fullPage: true });
      await u.page.goto(`/#/c/${collabId}`);
      await u.page.getByTestId('board').waitFor();
      await u.page.screenshot({ path: join(SCREENSHOTS, `collaboration-board-${size}.png`), fullPage: true });
      await u.page.goto(`/#/c/${collabId}/messages`);
      await u.page.getByTestId('messages').waitFor();
      await u.page.screenshot({ path: join(SCREENSHOTS, `collaboration-messages-${size}.png`), fullPage: true });
    }
  });

  it('an offline user keeps editing, reloads offline from the service worker, and converges when back', { timeout: 120_000 }, async () => {
    await bob.page.goto(`/#/c/${collabId}/notes`);
    await waitForServiceWorker(bob.page);
    // Visit once more under the service worker so its runtime cache holds the API answers too.
    await bob.page.reload();
    await expect.poll(() => bob.page.getByTestId('notes').inputValue(), { timeout: 10_000 }).toBe('Bring: blanket');
    await expectPhase(bob.page, 'saved');

    await setOffline(bob, true);
    await expectPhase(bob.page, 'offline');
    // The browser knows it is offline, and the app says so in those words (not "can't reach the server").
    await expect.poll(() => bob.page.getByTestId('connection-banner').textContent()).toContain('You are offline.');
    expect(await bob.page.getByText('Can’t reach the server').count()).toBe(0);
    const notes = bob.page.getByTestId('notes');
    await notes.click();
    await bob.page.keyboard.press('End');
    await bob.page.keyboard.type(', lemonade');
    await bob.page.goto(`/#/c/${collabId}/messages`);
    await bob.page.getByLabel('Message', { exact: true }).fill('Written on the train, offline');
    await bob.page.getByLabel('Message', { exact: true }).press('Enter');
    await expect.poll(() => unsavedCount(bob.page)).toBeGreaterThan(0);
    await bob.page.screenshot({ path: join(SCREENSHOTS, 'collaboration-offline-mobile.png'), fullPage: true });

    // Alice keeps working online meanwhile and does not see Bob's offline edits.
    await alice.page.goto(`/#/c/${collabId}/notes`);
    await alice.page.getByTestId('notes').click();
    await alice.page.keyboard.press('Control+Home');
    await alice.page.keyboard.type('Saturday 10:00. ');
    await expect.poll(() => alice.page.getByTestId('notes').inputValue()).toBe('Saturday 10:00. Bring: blanket');
    await expectPhase(alice.page, 'saved');

    // Reload while offline: the shell comes from the service worker, the document from IndexedDB.
    await bob.page.reload();
    await bob.page.getByRole('heading', { name: 'Team offsite' }).waitFor({ timeout: 15_000 });
    await bob.page.getByTestId('message').filter({ hasText: 'Written on the train, offline' }).waitFor();
    await expectPhase(bob.page, 'offline');
    await expect.poll(() => unsavedCount(bob.page)).toBeGreaterThan(0);
    await bob.page.goto(`/#/c/${collabId}/notes`);
    await expect.poll(() => bob.page.getByTestId('notes').inputValue()).toBe('Bring: blanket, lemonade');
    // The list opens offline too.
    await bob.page.goto('/#/');
    await bob.page.getByRole('link', { name: /Team offsite/ }).waitFor();
    await bob.page.getByText('Offline: showing the list from your last visit.').waitFor();
    expect(await bob.page.getByText('No collaborations yet').count()).toBe(0);

    // Back online: both converge, and Bob's indicator reaches "saved" with nothing pending.
    await bob.page.goto(`/#/c/${collabId}/notes`);
    await setOffline(bob, false);
    const expected = 'Saturday 10:00. Bring: blanket, lemonade';
    await expect.poll(() => bob.page.getByTestId('notes').inputValue(), { timeout: 20_000 }).toBe(expected);
    await expect.poll(() => alice.page.getByTestId('notes').inputValue(), { timeout: 20_000 }).toBe(expected);
    await expectPhase(bob.page, 'saved', 20_000);
    await expect.poll(() => unsavedCount(bob.page)).toBe(0);
    await alice.page.goto(`/#/c/${collabId}/messages`);
    await alice.page.getByTestId('message').filter({ hasText: 'Written on the train, offline' }).waitFor({ timeout: 10_000 });

    expect(alice.errors).toEqual([]);
    expect(bob.errors).toEqual([]);
  });
});
