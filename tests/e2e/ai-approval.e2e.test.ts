// An AI-proposed protected action (a fake LLM proposes cancelActivity) lands in the owner's approval
// inbox with who, why and what; once approved it is visible to both users.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { withBrowserServer, withFakeLlm } from './browser-suite.ts';
import { addMember, DESKTOP, MOBILE, SCREENSHOTS, describeBrowser } from './harness.ts';
import { ownerProposesActivity } from './proposal-scene.ts';

describeBrowser('web app: AI proposals and the approval inbox', () => {
  const fake = withFakeLlm();
  const suite = withBrowserServer();

  it('[G3] an AI cancelActivity waits in the owner’s inbox and, once approved, both users see it', { timeout: 150_000 }, async () => {
    const scene = { owner: 'owen@example.com', other: 'erin@example.com' };
    const { owner, other: editor, collabId } = await ownerProposesActivity(suite, scene, { collaboration: 'Garden party', activity: 'Rent a bouncy castle' });
    const card = owner.page.getByTestId('activity').filter({ hasText: 'Rent a bouncy castle' });
    await card.waitFor();
    const activityId = await card.getAttribute('data-activity-id');
    expect(activityId).toBeTruthy();
    await addMember(owner, collabId, editor, 'editor');
    await editor.page.goto(`/#/c/${collabId}`);
    await editor.page.getByTestId('activity').filter({ hasText: 'Rent a bouncy castle' }).waitFor({ timeout: 10_000 });

    const chatChunks = ['How about ', 'an indoor ', 'board-game ', 'afternoon ', 'instead? ', 'Bring snacks.'];
    fake.llm.respond((req) => req.body.stream ? { chunks: chatChunks, chunkDelayMs: 400 } : ({
      content: JSON.stringify({
        checkins: req.user.includes(collabId)
          ? [
              {
                collaborationId: collabId,
                summary: 'One activity proposed; the weather forecast says rain.',
                actions: [{ action: 'cancelActivity', params: { activityId, reason: 'Rain is forecast all weekend' }, reason: 'A bouncy castle in the rain is no fun' }],
              },
            ]
          : [],
      }),
    }));
    suite.server.startWorker({ AI_PROVIDER: 'groq', GROQ_API_KEY: 'test', GROQ_BASE_URL: fake.llm.url });

    await owner.page.goto(`/#/c/${collabId}/digest`);
    await owner.page.getByRole('button', { name: 'Run check-in now' }).click();
    // The badge in the header counts it; the digest records the fate.
    await owner.page.getByTestId('inbox-badge').waitFor({ timeout: 45_000 });
    await owner.page.getByText('waiting for approval').first().waitFor({ timeout: 20_000 });
    await owner.page.screenshot({ path: join(SCREENSHOTS, 'collaboration-digest-desktop.png'), fullPage: true });

    await owner.page.getByTestId('nav-inbox').click();
    const item = owner.page.getByTestId('approval').first();
    await item.waitFor();
    // What, who, why and on what: the item fills in as the approval and the activity titles arrive.
    for (const words of ['Cancel an activity', 'The AI assistant', 'A bouncy castle in the rain is no fun', 'Rent a bouncy castle', 'Rain is forecast all weekend']) {
      await expect.poll(() => item.textContent()).toContain(words);
    }
    await item.getByText(/Up to date|Stale/).waitFor();
    await owner.page.screenshot({ path: join(SCREENSHOTS, 'inbox-desktop.png'), fullPage: true });
    await owner.page.setViewportSize(MOBILE);
    await owner.page.screenshot({ path: join(SCREENSHOTS, 'inbox-mobile.png'), fullPage: true });
    await owner.page.setViewportSize(DESKTOP);

    // The editor's view has not changed before the decision.
    expect(await editor.page.getByTestId('activity').filter({ hasText: 'Rent a bouncy castle' }).getAttribute('data-status')).toBe('proposed');

    await item.getByRole('button', { name: 'Approve' }).click();
    await owner.page.getByText('Nothing waits for your approval.').waitFor({ timeout: 10_000 });
    await owner.page.goto(`/#/c/${collabId}`);
    await expect
      .poll(() => owner.page.getByTestId('activity').filter({ hasText: 'Rent a bouncy castle' }).getAttribute('data-status'), { timeout: 15_000 })
      .toBe('cancelled');
    await expect
      .poll(() => editor.page.getByTestId('activity').filter({ hasText: 'Rent a bouncy castle' }).getAttribute('data-status'), { timeout: 15_000 })
      .toBe('cancelled');
    await editor.page.screenshot({ path: join(SCREENSHOTS, 'collaboration-after-approval-mobile.png'), fullPage: true });

    // Asking @ai: the reply streams into the thread, styled as the assistant's, with a cursor until done.
    await editor.page.goto(`/#/c/${collabId}/messages`);
    await editor.page.getByLabel('Message', { exact: true }).fill('@ai any ideas for a rainy day?');
    await editor.page.getByLabel('Message', { exact: true }).press('Enter');
    await editor.page.locator('mark.mention-ai').first().waitFor();
    const aiMessage = editor.page.locator('.message-ai');
    await aiMessage.locator('.cursor').waitFor({ timeout: 30_000 });
    await owner.page.goto(`/#/c/${collabId}/messages`);
    await editor.page.screenshot({ path: join(SCREENSHOTS, 'messages-ai-streaming-mobile.png'), fullPage: true });
    await expect.poll(() => aiMessage.textContent(), { timeout: 20_000 }).toContain('Bring snacks.');
    await aiMessage.locator('.cursor').waitFor({ state: 'detached', timeout: 10_000 });
    await owner.page.locator('.message-ai', { hasText: 'board-game afternoon' }).waitFor({ timeout: 10_000 });
    await owner.page.screenshot({ path: join(SCREENSHOTS, 'messages-ai-desktop.png'), fullPage: true });
    await owner.page.goto('/#/notifications');
    await owner.page.getByRole('heading', { name: 'Notifications' }).waitFor();
    await owner.page.screenshot({ path: join(SCREENSHOTS, 'notifications-desktop.png'), fullPage: true });
    expect(owner.errors).toEqual([]);
    expect(editor.errors).toEqual([]);
  });
});
