// The approval lifecycle and words in the web app, with an owner and an editor in separate browser
// contexts at 1280 × 800 and 375 × 812 (SPEC [G6][G7]): the editor's request shows on the card for both
// (after a reload too), in words in the owner's inbox; a rejection with a reason reaches the editor as
// a toast and clears the card; a stale request is re-proposed from the current state and approved; the
// audit log reads in sentences and filters. Every check waits for a state.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withBrowserServer } from './browser-suite.ts';
import { addMember, createCollaboration, DESKTOP, describeBrowser, PHONE, SCREENSHOTS, signIn, token } from './harness.ts';
import type { TestUser } from './harness.ts';

/** A REST call from the user's page, with their token. */
async function rest(u: TestUser, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const t = await token(u);
  return u.page.evaluate(
    async ({ method, path, body, t }) => {
      const res = await fetch(path, { method, headers: { Authorization: `Bearer ${t}`, 'Content-Type': 'application/json' }, body: body === undefined ? null : JSON.stringify(body) });
      return { status: res.status, body: (await res.json().catch(() => ({}))) as Record<string, unknown> };
    },
    { method, path, body, t },
  );
}

describeBrowser('web app: approval lifecycle in words', () => {
  const suite = withBrowserServer();

  for (const [size, ownerView, editorView] of [['desktop', DESKTOP, PHONE], ['phone', PHONE, DESKTOP]] as const) {
    it(`[G6][G7] an editor's request is seen by both, rejected with a reason, re-proposed when stale, and read in the audit log (${size})`, { timeout: 150_000 }, async () => {
      const owner = await signIn(suite.browser, suite.server, `olga-${size}@example.com`, ownerView);
      const editor = await signIn(suite.browser, suite.server, `edna-${size}@example.com`, editorView);
      const collabId = await createCollaboration(owner, `Weekend ${size}`);
      await addMember(owner, collabId, editor, 'editor');
      expect((await rest(owner, 'PUT', `/api/collaborations/${collabId}/policy`, { policy: { cancelActivity: { editor: 'approval' } } })).status).toBe(200);
      const made = await rest(editor, 'POST', `/api/collaborations/${collabId}/actions/proposeActivity`, { params: { title: 'Plan the hike' } });
      const activityId = String((made.body['result'] as { activityId: string }).activityId);

      // The editor asks to cancel it from the card.
      await editor.page.goto(`/#/c/${collabId}/board`);
      const editorCard = editor.page.locator(`[data-activity-id="${activityId}"]`);
      await editorCard.getByRole('button', { name: /^Cancel/ }).click();
      await editorCard.getByRole('button', { name: 'Cancel activity' }).click();
      const asked = `edna-${size} asked to cancel 'Plan the hike'`;
      await editorCard.getByTestId('pending-approval').filter({ hasText: asked }).waitFor({ timeout: 15_000 });
      // It lives on the server: a reload keeps it, and the owner's card shows it too.
      await editor.page.reload();
      await editorCard.getByTestId('pending-approval').filter({ hasText: asked }).waitFor({ timeout: 15_000 });
      await owner.page.goto(`/#/c/${collabId}/board`);
      await owner.page.locator(`[data-activity-id="${activityId}"]`).getByTestId('pending-approval').filter({ hasText: asked }).waitFor({ timeout: 15_000 });

      // The owner's inbox reads in words; they reject with a reason.
      await owner.page.getByTestId('nav-inbox').click();
      const item = owner.page.getByTestId('approval').filter({ hasText: asked });
      await item.waitFor({ timeout: 15_000 });
      await expect.poll(() => item.textContent()).toContain(`Weekend ${size}`);
      expect(await item.textContent()).not.toMatch(/act_|cancelActivity/);
      await owner.page.screenshot({ path: join(SCREENSHOTS, `inbox-words-${size}.png`), fullPage: true });
      await item.getByRole('button', { name: 'Reject…' }).click();
      await item.getByLabel(/Reason for/).fill('not this week');
      await item.getByRole('button', { name: 'Reject request' }).click();
      await owner.page.getByText('Nothing waits for your approval.').waitFor({ timeout: 10_000 });

      // The editor is told, and the card clears for both.
      await editor.page.getByTestId('toast').filter({ hasText: `olga-${size} rejected your request to cancel 'Plan the hike': “not this week”` }).waitFor({ timeout: 15_000 });
      await editorCard.getByTestId('pending-approval').waitFor({ state: 'detached', timeout: 15_000 });
      expect(await editorCard.getAttribute('data-status')).toBe('proposed');

      // Asked again; the activity changes meanwhile, so approving answers stale and the owner re-proposes.
      await editorCard.getByRole('button', { name: /^Cancel/ }).click();
      await editorCard.getByRole('button', { name: 'Cancel activity' }).click();
      await editorCard.getByTestId('pending-approval').waitFor({ timeout: 15_000 });
      expect((await rest(editor, 'POST', `/api/collaborations/${collabId}/actions/scheduleActivity`, { params: { activityId, at: '2031-05-01T09:00:00Z' } })).status).toBe(200);
      await owner.page.getByTestId('nav-inbox').click();
      const again = owner.page.getByTestId('approval').filter({ hasText: asked });
      await again.waitFor({ timeout: 15_000 });
      // If the inbox read it before the change, approving answers 409 stale and the item turns into a
      // re-proposal; if it read it after, it offers the re-proposal at once.
      const next = again.getByRole('button', { name: /^(Approve|Re-propose from the current state)$/ });
      await next.waitFor();
      if ((await next.textContent()) === 'Approve') {
        await next.click();
        await owner.page.getByTestId('toast').filter({ hasText: 'changed since it was asked for' }).waitFor({ timeout: 10_000 });
      }
      await again.getByText('Its target changed since this was asked for').waitFor();
      await again.getByRole('button', { name: 'Re-propose from the current state' }).click();
      await owner.page.getByTestId('toast').filter({ hasText: 'Re-proposed from the current state' }).waitFor();
      await owner.page.getByTestId('approval').filter({ hasText: asked }).getByRole('button', { name: 'Approve' }).click();
      await owner.page.getByText('Nothing waits for your approval.').waitFor({ timeout: 10_000 });
      await editor.page.getByTestId('toast').filter({ hasText: `olga-${size} approved your request to cancel 'Plan the hike'` }).waitFor({ timeout: 15_000 });
      await expect.poll(() => editorCard.getAttribute('data-status'), { timeout: 15_000 }).toBe('cancelled');
      await editorCard.getByTestId('pending-approval').waitFor({ state: 'detached', timeout: 15_000 });
      // The owner's "approval needed" notifications resolved with the decisions.
      await owner.page.goto('/#/notifications');
      await owner.page.getByText(`${asked} in Weekend ${size}`).first().waitFor();
      await expect.poll(() => rest(owner, 'GET', '/api/notifications?unread=1').then((r) => (r.body['items'] as unknown[]).length)).toBe(0);

      // The audit log in sentences, filtered to approval decisions.
      await owner.page.goto(`/#/c/${collabId}/audit`);
      const summaries = owner.page.getByTestId('audit-summary');
      await summaries.filter({ hasText: `olga-${size} rejected edna-${size}’s request to cancel 'Plan the hike'` }).waitFor({ timeout: 15_000 });
      await owner.page.getByTestId('audit-filters').getByLabel('What').selectOption('approval');
      await expect.poll(async () => (await summaries.allTextContents()).every((t) => /request to/.test(t)), { timeout: 10_000 }).toBe(true);
      await summaries.filter({ hasText: 're-proposed' }).waitFor();
      expect((await owner.page.getByTestId('audit-list').textContent()) ?? '').not.toMatch(/bytes|roots|act_/);
      await owner.page.screenshot({ path: join(SCREENSHOTS, `audit-words-${size}.png`), fullPage: true });
      expect(owner.errors).toEqual([]);
      expect(editor.errors).toEqual([]);
    });
  }
});
