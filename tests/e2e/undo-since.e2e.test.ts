// Undoing one person's changes since a time (SPEC [A9]) and an `@ai` reply's run from the thread
// ([A7]), as a first-time owner meets them: in History, "Undo everything <person> did since <time>"
// previews what changes and what stays (names and titles, never ids), Confirm undoes it, and the
// toast's "Undo the undo" brings it back. At 1280 × 800 and 375 × 812, with axe.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { expectAccessible, expectNoHorizontalOverflow } from './a11y.ts';
import { withBrowserServer, withFakeLlm } from './browser-suite.ts';
import { addMember, createCollaboration, describeBrowser, DESKTOP, PHONE, SCREENSHOTS, signIn, token } from './harness.ts';
import type { TestUser } from './harness.ts';

const card = (p: Page, title: string) => p.getByTestId('activity').filter({ hasText: title });

async function act(base: string, u: TestUser, collabId: string, name: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}/api/collaborations/${collabId}/actions/${name}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${await token(u)}` }, body: JSON.stringify({ params }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: Record<string, unknown> }).result;
}

describeBrowser('web app: undo what one person did since a time, and an @ai reply', () => {
  const fake = withFakeLlm();
  const suite = withBrowserServer();

  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`[A9][A7] an owner undoes everything an editor did since a time, the owner's own later edit kept, then undoes the undo (${size})`, { timeout: 180_000 }, async () => {
      const owner = await signIn(suite.browser, suite.server, `nora-${size}@example.com`, viewport);
      const sam = await signIn(suite.browser, suite.server, `sam-${size}@example.com`, viewport);
      const p = owner.page;
      const collabId = await createCollaboration(owner, `Lake ${size}`);
      await addMember(owner, collabId, sam, 'editor');

      // The editor proposes two activities; the owner then schedules one of them.
      await act(suite.server.url, sam, collabId, 'proposeActivity', { title: 'Buy rope' });
      const kayaks = await act(suite.server.url, sam, collabId, 'proposeActivity', { title: 'Rent kayaks' });
      await act(suite.server.url, owner, collabId, 'scheduleActivity', { activityId: kayaks['activityId'], at: '2031-06-01T09:00:00Z' });

      await p.goto(`/#/c/${collabId}`);
      await card(p, 'Buy rope').waitFor({ timeout: 15_000 });
      await p.goto(`/#/c/${collabId}/history`);
      await p.getByTestId('history-group').first().waitFor({ timeout: 15_000 });
      const since = p.getByTestId('undo-since');
      await since.getByText('Undo everything one person or the AI did since a time').click();
      await since.getByLabel('Whose changes').selectOption({ label: `sam-${size}` });
      // The default "since" (an hour ago) covers what the editor just did.
      const ask = since.getByRole('button', { name: new RegExp(`^Undo everything sam-${size} did since `) });
      await ask.click();
      const preview = since.getByTestId('undo-preview');
      await preview.getByRole('heading', { name: new RegExp(`^Undo everything sam-${size} did since .+\\?$`) }).waitFor();
      await preview.getByTestId('undo-changes').filter({ hasText: 'Remove the activity “Buy rope”' }).waitFor();
      await preview.getByTestId('undo-conflicts').filter({ hasText: 'Rent kayaks' }).waitFor();
      expect(await preview.getByTestId('undo-conflicts').textContent()).toContain(`nora-${size}`);
      const words = (await preview.textContent()) ?? '';
      for (const id of [owner.id, sam.id, collabId, String(kayaks['activityId'])]) expect(words).not.toContain(id);
      await expectAccessible(p, `undo since preview (${size})`);
      await expectNoHorizontalOverflow(p, `undo since preview (${size})`);
      await p.screenshot({ path: join(SCREENSHOTS, `history-undo-since-${size}.png`), fullPage: true });

      // A second window on the board sees the undo arrive.
      const board = await owner.context.newPage();
      await board.setViewportSize(viewport);
      await board.goto(`/#/c/${collabId}`);
      await card(board, 'Buy rope').waitFor({ timeout: 15_000 });

      await preview.getByRole('button', { name: 'Confirm' }).click();
      const toast = p.getByTestId('toast').filter({ hasText: `Undone: what sam-${size} did since` });
      await toast.waitFor();
      await expect.poll(() => card(board, 'Buy rope').count(), { timeout: 8000 }).toBe(0);
      expect(await card(board, 'Rent kayaks').getAttribute('data-status')).toBe('scheduled');

      await toast.getByRole('button', { name: 'Undo the undo' }).click();
      await p.getByTestId('toast').filter({ hasText: 'Undo undone' }).waitFor();
      await card(board, 'Buy rope').waitFor({ timeout: 10_000 });
      expect(owner.errors).toEqual([]);
      await owner.context.close();
      await sam.context.close();
    });
  }

  it('[A7] "Undo this AI run" on an @ai reply in the thread: preview, confirm, undo the undo', { timeout: 180_000 }, async () => {
    const owner = await signIn(suite.browser, suite.server, 'ines@example.com', DESKTOP);
    const p = owner.page;
    const collabId = await createCollaboration(owner, 'Rainy day');
    fake.llm.respond((req) => (req.body.stream ? { chunks: ['Try ', 'a museum ', 'and ', 'hot chocolate.'], chunkDelayMs: 50 } : { content: JSON.stringify({ checkins: [] }) }));
    if (!suite.server.worker) suite.server.startWorker({ AI_PROVIDER: 'groq', GROQ_API_KEY: 'test', GROQ_BASE_URL: fake.llm.url });

    await p.goto(`/#/c/${collabId}/messages`);
    await p.getByLabel('Message', { exact: true }).fill('@ai ideas for a rainy day?');
    await p.getByLabel('Message', { exact: true }).press('Enter');
    const reply = p.locator('.message-ai', { hasText: 'hot chocolate.' });
    await reply.waitFor({ timeout: 45_000 });
    await reply.locator('.cursor').waitFor({ state: 'detached', timeout: 15_000 });

    await reply.getByRole('button', { name: 'Undo this AI run' }).click({ timeout: 15_000 });
    const preview = reply.getByTestId('undo-preview');
    await preview.waitFor();
    await preview.getByTestId('undo-changes').filter({ hasText: 'Remove the message “Try a museum and hot chocolate.”' }).waitFor();
    await expectAccessible(p, 'undo an @ai reply');
    await expectNoHorizontalOverflow(p, 'undo an @ai reply');
    await preview.getByRole('button', { name: 'Confirm' }).click();
    const toast = p.getByTestId('toast').filter({ hasText: 'AI run undone' });
    await toast.waitFor();
    await expect.poll(() => p.locator('.message-ai').count(), { timeout: 8000 }).toBe(0);
    // The person's question stays.
    await p.getByTestId('message').filter({ hasText: 'ideas for a rainy day?' }).waitFor();

    await toast.getByRole('button', { name: 'Undo the undo' }).click();
    await p.getByTestId('toast').filter({ hasText: 'Undo undone' }).waitFor();
    await reply.waitFor({ timeout: 10_000 });
    expect(owner.errors).toEqual([]);
    await owner.context.close();
  });
});
