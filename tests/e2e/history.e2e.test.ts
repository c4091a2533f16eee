// The History section and "Undo this AI run" (SPEC [A5]–[A8]): an AI check-in proposes two
// activities, a person then renames one of them; the owner opens History, previews the undo (the
// renamed one is a conflict, left alone), confirms — the AI's other activity is gone, the person's
// edit kept — and "Undo the undo" brings it back. At 1280 × 800 and 375 × 812, with axe on History.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { expectAccessible, expectNoHorizontalOverflow } from './a11y.ts';
import { withBrowserServer, withFakeLlm } from './browser-suite.ts';
import { createCollaboration, describeBrowser, DESKTOP, expectPhase, PHONE, SCREENSHOTS, signIn } from './harness.ts';

const card = (p: Page, title: string) => p.getByTestId('activity').filter({ hasText: title });
const titles = (p: Page) => p.getByTestId('activity').allTextContents().then((t) => t.join(' | '));

describeBrowser('web app: history and undoing an AI run', () => {
  const fake = withFakeLlm();
  const suite = withBrowserServer();

  for (const [size, viewport] of [['desktop', DESKTOP], ['phone', PHONE]] as const) {
    it(`[A5][A7][A8] undo an AI run with a person's later edit left alone, then undo the undo (${size})`, { timeout: 180_000 }, async () => {
      const owner = await signIn(suite.browser, suite.server, `hana-${size}@example.com`, viewport);
      const p = owner.page;
      const collabId = await createCollaboration(owner, `Hike ${size}`);
      fake.llm.respond((req) => ({
        content: JSON.stringify({
          checkins: req.user.includes(collabId)
            ? [{
                collaborationId: collabId,
                summary: 'Two things to sort out before the hike.',
                actions: [
                  { action: 'proposeActivity', params: { title: 'Book a minibus' }, reason: 'Twelve people need a ride' },
                  { action: 'proposeActivity', params: { title: 'Pack lunches' }, reason: 'No food on the trail' },
                ],
              }]
            : [],
        }),
      }));
      if (!suite.server.worker) suite.server.startWorker({ AI_PROVIDER: 'groq', GROQ_API_KEY: 'test', GROQ_BASE_URL: fake.llm.url });

      // The AI's check-in: two activities on the board.
      await p.goto(`/#/c/${collabId}/digest`);
      await p.getByRole('button', { name: 'Run check-in now' }).click();
      await p.locator('[data-testid="digest"] li.checkin-done').first().waitFor({ timeout: 60_000 });
      // The digest offers the same undo; its preview (before anyone touched them) removes both.
      const digestEntry = p.locator('[data-testid="digest"] li.checkin-done').first();
      await digestEntry.getByRole('button', { name: 'Undo this AI run' }).click();
      const digestPreview = digestEntry.getByTestId('undo-preview');
      await expect.poll(() => digestPreview.getByTestId('undo-changes').textContent()).toMatch(/Book a minibus[\s\S]*Pack lunches|Pack lunches[\s\S]*Book a minibus/);
      expect(await digestPreview.getByTestId('undo-conflicts').count()).toBe(0);
      await digestPreview.getByRole('button', { name: 'Cancel' }).click();
      await digestPreview.waitFor({ state: 'detached' });
      await p.goto(`/#/c/${collabId}`);
      await card(p, 'Pack lunches').waitFor({ timeout: 15_000 });

      // A person renames one of them.
      await card(p, 'Book a minibus').getByRole('button', { name: 'Book a minibus' }).click();
      const detail = p.getByTestId('activity-detail');
      await detail.getByLabel('Title').fill('Book a minibus for twelve');
      await detail.getByRole('button', { name: 'Save changes' }).click();
      await detail.getByText('Saved.').waitFor();
      await p.keyboard.press('Escape');
      await detail.waitFor({ state: 'detached' });
      await expectPhase(p, 'saved');

      // History: the AI's run is one group, the person's edit another.
      await p.goto(`/#/c/${collabId}/history`);
      const aiGroup = p.getByTestId('history-group').and(p.locator('[data-actor-kind="ai"]')).first();
      await aiGroup.waitFor({ timeout: 15_000 });
      await p.getByTestId('history-group').and(p.locator('[data-actor-kind="user"]')).filter({ hasText: 'Book a minibus for twelve' }).first().waitFor({ timeout: 15_000 });
      await expectAccessible(p, `history (${size})`);
      await expectNoHorizontalOverflow(p, `history (${size})`);

      // View as it was after the AI's run: both activities under the AI's titles.
      await aiGroup.getByRole('button', { name: 'View as it was' }).click();
      const was = aiGroup.getByTestId('as-it-was-activities');
      await was.waitFor();
      await expect.poll(() => was.textContent()).toMatch(/Book a minibus(?! for)/);
      await expect.poll(() => was.textContent()).toContain('Pack lunches');

      // The filter: the AI only, then people only.
      const filter = p.getByTestId('history-filter');
      await filter.selectOption('user');
      await expect.poll(() => p.getByTestId('history-group').and(p.locator('[data-actor-kind="ai"]')).count()).toBe(0);
      await filter.selectOption('ai');
      await expect.poll(() => p.getByTestId('history-group').and(p.locator('[data-actor-kind="user"]')).count()).toBe(0);
      await aiGroup.waitFor();

      // Preview: Pack lunches goes; the renamed minibus is a conflict, left alone.
      await aiGroup.getByRole('button', { name: 'Undo this AI run' }).click();
      const preview = aiGroup.getByTestId('undo-preview');
      await preview.getByTestId('undo-changes').filter({ hasText: 'Pack lunches' }).waitFor();
      await preview.getByTestId('undo-conflicts').filter({ hasText: 'Book a minibus' }).waitFor();
      expect(await preview.getByTestId('undo-changes').textContent()).not.toContain('minibus');
      await expectAccessible(p, `undo preview (${size})`);
      await expectNoHorizontalOverflow(p, `undo preview (${size})`);
      await p.screenshot({ path: join(SCREENSHOTS, `history-undo-preview-${size}.png`), fullPage: true });

      // A second window on the board watches the revert arrive live (opened after the axe checks: its
      // presence avatar is not what is checked here).
      const board = await owner.context.newPage();
      await board.setViewportSize(viewport);
      await board.goto(`/#/c/${collabId}`);
      await card(board, 'Pack lunches').waitFor({ timeout: 15_000 });

      // Confirm: the AI's other activity is gone, the person's edit kept.
      await preview.getByRole('button', { name: 'Confirm' }).click();
      const toast = p.getByTestId('toast').filter({ hasText: 'AI run undone' });
      await toast.waitFor();
      await expect.poll(() => card(board, 'Pack lunches').count(), { timeout: 8000 }).toBe(0);
      expect(await titles(board)).toContain('Book a minibus for twelve');

      // Undo the undo: back again, the rename still there.
      await toast.getByRole('button', { name: 'Undo the undo' }).click();
      await p.getByTestId('toast').filter({ hasText: 'Undo undone' }).waitFor();
      await card(board, 'Pack lunches').waitFor({ timeout: 10_000 });
      expect(await titles(board)).toContain('Book a minibus for twelve');
      await owner.context.close();
    });
  }
});
