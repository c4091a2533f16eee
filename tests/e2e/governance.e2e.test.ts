// Governance in the web app: the owner edits the policy table and rules (validation errors shown);
// a CRDT change the new policy forbids is refused by the server and explained in a toast, never
// silently lost; a 202 says "waiting for owner approval" and a 403 says "Not allowed".
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withBrowserServer } from './browser-suite.ts';
import { ownerProposesActivity } from './proposal-scene.ts';
import { addMember, createCollaboration, DESKTOP, expectPhase, MOBILE, SCREENSHOTS, signIn, syncPhase, token, unsavedCount, describeBrowser } from './harness.ts';

describeBrowser('web app: policy, rules and refused changes', () => {
  const suite = withBrowserServer();

  it('[P5] a change the policy forbids is refused with a toast; approval and denial are said in words', { timeout: 150_000 }, async () => {
    const scene = { owner: 'paula@example.com', other: 'eddie@example.com' };
    const { owner, other: editor, collabId } = await ownerProposesActivity(suite, scene, { collaboration: 'Hackathon', activity: 'Order pizza' });
    await addMember(owner, collabId, editor, 'editor');
    await editor.page.goto(`/#/c/${collabId}`);
    await editor.page.getByTestId('activity').filter({ hasText: 'Order pizza' }).waitFor({ timeout: 10_000 });

    // The owner tightens the policy and checks the rules editor's validation.
    await owner.page.goto(`/#/c/${collabId}/governance`);
    await owner.page.getByLabel('Propose an activity — Editors').selectOption('approval');
    await owner.page.getByRole('button', { name: 'Save policy' }).click();
    await owner.page.getByText('Policy saved.').waitFor();
    await owner.page.getByRole('button', { name: 'Edit as JSON (advanced)' }).click();
    await owner.page.getByLabel('Rules JSON').fill('[{"id":"r1","name":"x","trigger":"nope","actions":[]}]');
    await expect.poll(() => owner.page.getByTestId('rules-errors').textContent()).toMatch(/trigger/);
    await expect.poll(() => owner.page.getByRole('button', { name: 'Save rules' }).isDisabled()).toBe(true);
    await owner.page.screenshot({ path: join(SCREENSHOTS, 'governance-desktop.png'), fullPage: true });
    await owner.page.getByLabel('Rules JSON').fill('[]');
    await owner.page.getByRole('button', { name: 'Insert an example' }).click();
    await owner.page.getByRole('button', { name: 'Save rules' }).click();
    await owner.page.getByText('Rules saved.').waitFor();

    // A CRDT proposal made with the stale policy in mind is refused by the server and explained.
    await editor.page.getByLabel('Activity title').fill('Karaoke night');
    await editor.page.getByRole('button', { name: 'Propose' }).click();
    await editor.page.getByTestId('toast').filter({ hasText: 'not accepted' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => editor.page.getByTestId('activity').filter({ hasText: 'Karaoke night' }).count(), { timeout: 10_000 }).toBe(0);
    // The owner's copy is in step with the server (the refusal came first), and it never had it.
    await owner.page.goto(`/#/c/${collabId}`);
    await owner.page.getByTestId('activity').filter({ hasText: 'Order pizza' }).waitFor();
    await expectPhase(owner.page, 'saved');
    expect(await owner.page.getByTestId('activity').filter({ hasText: 'Karaoke night' }).count()).toBe(0);

    // Having re-read the policy, the editor's screen now asks for approval through the action API.
    await editor.page.getByRole('button', { name: 'Request' }).waitFor({ timeout: 10_000 });
    await editor.page.getByLabel('Activity title').fill('Karaoke night');
    await editor.page.getByRole('button', { name: 'Request' }).click();
    await editor.page.getByText(/waiting for owner approval/).first().waitFor({ timeout: 10_000 });
    await owner.page.getByTestId('inbox-badge').waitFor({ timeout: 20_000 });
    await editor.page.screenshot({ path: join(SCREENSHOTS, 'collaboration-refused-mobile.png'), fullPage: true });

    // The owner then denies completing to editors, while the editor's screen still has the old policy:
    // 403, in words, after which the screen re-reads the policy and disables the button.
    await owner.page.goto(`/#/c/${collabId}/governance`);
    await owner.page.getByLabel('Mark an activity done — Editors').selectOption('deny');
    await Promise.all([
      owner.page.waitForResponse((r) => r.url().endsWith('/policy') && r.request().method() === 'PUT' && r.ok()),
      owner.page.getByRole('button', { name: 'Save policy' }).click(),
    ]);
    await editor.page.getByTestId('activity').filter({ hasText: 'Order pizza' }).getByRole('button', { name: 'Complete' }).click();
    await editor.page.getByTestId('activity').filter({ hasText: 'Order pizza' }).getByText(/Not allowed/).waitFor({ timeout: 10_000 });
    expect(await editor.page.getByTestId('activity').filter({ hasText: 'Order pizza' }).getAttribute('data-status')).toBe('proposed');
    await expect.poll(() => editor.page.getByTestId('activity').filter({ hasText: 'Order pizza' }).getByRole('button', { name: 'Complete' }).isDisabled(), { timeout: 10_000 }).toBe(true);

    expect(owner.errors).toEqual([]);
    expect(editor.errors).toEqual([]);
  });

  it('the owner renames and turns AI check-ins off in Settings, then reads the audit log', { timeout: 120_000 }, async () => {
    const owner = await signIn(suite.browser, suite.server, 'olga@example.com', DESKTOP);
    const collabId = await createCollaboration(owner, 'Book club');
    await owner.page.goto(`/#/c/${collabId}/settings`);

    // An unknown zone is refused by the server and its 400 message is shown in words.
    await owner.page.getByLabel('Time zone').fill('Mars/Olympus_Mons');
    await owner.page.getByRole('button', { name: 'Save settings' }).click();
    await owner.page.getByTestId('settings-form').getByRole('alert').filter({ hasText: /not a time zone.*unknown IANA time zone/ }).waitFor();
    await owner.page.getByRole('button', { name: 'Discard changes' }).click();

    await owner.page.getByLabel('Title', { exact: true }).fill('Book club 2025');
    await owner.page.getByLabel('AI check-ins').uncheck();
    await owner.page.getByRole('button', { name: 'Save settings' }).click();
    await owner.page.getByTestId('toast').filter({ hasText: 'Settings saved.' }).waitFor();
    await owner.page.getByRole('heading', { level: 1, name: 'Book club 2025' }).waitFor();
    await owner.page.screenshot({ path: join(SCREENSHOTS, 'settings-desktop.png'), fullPage: true });

    const res = await fetch(`${suite.server.url}/api/collaborations/${collabId}`, { headers: { Authorization: `Bearer ${await token(owner)}` } });
    const collab = (await res.json()) as { title: string; settings: { aiCheckins: boolean; timeZone: string } };
    expect(collab.title).toBe('Book club 2025');
    expect(collab.settings.aiCheckins).toBe(false);
    expect(collab.settings.timeZone).toBe('UTC');

    await owner.page.getByRole('link', { name: 'Audit', exact: true }).click();
    await owner.page.getByTestId('audit-entry').first().waitFor();
    expect(await owner.page.getByTestId('audit-entry').count()).toBeGreaterThanOrEqual(1);
    await owner.page.getByTestId('audit-entry').filter({ hasText: 'updateCollaboration' }).first().waitFor();
    await owner.page.screenshot({ path: join(SCREENSHOTS, 'audit-desktop.png'), fullPage: true });

    // At 375 px the log fits without sideways scrolling.
    await owner.page.setViewportSize(MOBILE);
    await expect.poll(() => owner.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(MOBILE.width);
    expect(owner.errors.filter((e) => !/400/.test(e))).toEqual([]);
  });

  it('an expired token leads to sign-in again without losing local edits', { timeout: 120_000 }, async () => {
    const user = await signIn(suite.browser, suite.server, 'tess@example.com', DESKTOP);
    const collabId = await createCollaboration(user, 'Trip notes');
    await user.page.goto(`/#/c/${collabId}/notes`);
    await user.page.getByTestId('notes').click();
    await user.page.keyboard.type('before');
    await expectPhase(user.page, 'saved');

    // The token stops working (as if it expired on the server's clock).
    await user.page.evaluate(() => {
      const s = JSON.parse(localStorage.getItem('trellis:session') ?? '{}') as { token: string };
      localStorage.setItem('trellis:session', JSON.stringify({ ...s, token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.invalid' }));
    });
    await user.page.reload();
    await user.page.getByTestId('relogin').waitFor({ timeout: 20_000 });
    const notes = user.page.getByTestId('notes');
    await expect.poll(() => notes.inputValue()).toBe('before');
    await notes.click();
    await user.page.keyboard.press('End');
    await user.page.keyboard.type(' and after');
    await expect.poll(() => unsavedCount(user.page)).toBeGreaterThan(0);
    expect(await syncPhase(user.page)).not.toBe('saved');

    await user.page.getByRole('button', { name: 'Sign in again' }).click();
    await user.page.getByRole('button', { name: 'Sign in' }).click();
    await user.page.getByTestId('relogin').waitFor({ state: 'detached', timeout: 10_000 });
    await expectPhase(user.page, 'saved', 20_000);

    // Another device of the same user receives the edit made while signed out.
    const other = await signIn(suite.browser, suite.server, 'tess@example.com', MOBILE);
    await other.page.goto(`/#/c/${collabId}/notes`);
    await expect.poll(() => other.page.getByTestId('notes').inputValue(), { timeout: 15_000 }).toBe('before and after');
    expect(user.errors.filter((e) => !/401/.test(e))).toEqual([]);
  });
});
