// A viewer reads along but cannot edit: the UI is disabled, and the server refuses both the action API
// and CRDT writes made behind the UI's back (which no one else ever sees).
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { appendMessage, readMessages } from '@trellis/schema';
import { withBrowserServer } from './browser-suite.ts';
import { addMember, createCollaboration, DESKTOP, expectPhase, MOBILE, SCREENSHOTS, setOffline, signIn, syncPhase, token, unsavedCount, describeBrowser } from './harness.ts';
import { ownerProposesActivity } from './proposal-scene.ts';

describeBrowser('web app: viewers', () => {
  const suite = withBrowserServer();

  it('[P1] a viewer cannot edit: the UI is disabled and the server refuses', { timeout: 120_000 }, async () => {
    const scene = { owner: 'olivia@example.com', other: 'victor@example.com' };
    const { owner, other: viewer, collabId } = await ownerProposesActivity(suite, scene, { collaboration: 'Book club', activity: 'Read chapter 1' });
    await addMember(owner, collabId, viewer, 'viewer');

    await viewer.page.goto(`/#/c/${collabId}`);
    await viewer.page.getByText('You are a viewer').waitFor();
    await viewer.page.getByTestId('activity').filter({ hasText: 'Read chapter 1' }).waitFor({ timeout: 10_000 });
    await expect.poll(() => viewer.page.getByLabel('Activity title').isDisabled()).toBe(true);
    expect(await viewer.page.getByRole('button', { name: 'Complete' }).count()).toBe(0);
    await viewer.page.screenshot({ path: join(SCREENSHOTS, 'collaboration-viewer-mobile.png'), fullPage: true });

    await viewer.page.goto(`/#/c/${collabId}/messages`);
    await expect.poll(() => viewer.page.getByLabel('Message', { exact: true }).isDisabled()).toBe(true);
    await viewer.page.goto(`/#/c/${collabId}/notes`);
    const notes = viewer.page.getByTestId('notes');
    await expect.poll(() => notes.getAttribute('readonly')).not.toBeNull();
    await notes.click();
    await viewer.page.keyboard.type('viewer was here');
    expect(await notes.inputValue()).toBe('');

    // The action API says no, in words.
    const res = await fetch(`${suite.server.url.replace('localhost', '127.0.0.1')}/api/collaborations/${collabId}/actions/sendMessage`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await token(viewer)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ params: { body: 'let me in' } }),
    });
    expect(res.status).toBe(403);

    // A CRDT write behind the UI's back (a stock provider with the viewer's token) is refused.
    const doc = new Y.Doc();
    const refused: string[] = [];
    const provider = new WebsocketProvider(`ws://127.0.0.1:${suite.server.port}/sync`, collabId, doc, {
      params: { token: await token(viewer), ack: '1' },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    provider.messageHandlers[101] = (_e, d) => {
      refused.push('refused');
      void d;
    };
    provider.messageHandlers[2] = () => refused.push('denied');
    provider.messageHandlers[100] = () => undefined;
    try {
      await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
      appendMessage(doc, { id: 'msg_sneaky', authorId: viewer.id, body: 'sneaky viewer message', kind: 'user' });
      await expect.poll(() => refused.length, { timeout: 10_000 }).toBeGreaterThan(0);
    } finally {
      provider.destroy();
    }
    // The owner's copy is in step with the server (the refusal came first), and it never had it.
    await owner.page.goto(`/#/c/${collabId}/messages`);
    await expectPhase(owner.page, 'saved');
    expect(await owner.page.getByText('sneaky viewer message').count()).toBe(0);

    // And it was never stored: a fresh client does not receive it either.
    const check = new Y.Doc();
    const p2 = new WebsocketProvider(`ws://127.0.0.1:${suite.server.port}/sync`, collabId, check, {
      params: { token: await token(owner) },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    try {
      await new Promise<void>((resolve) => p2.once('sync', () => resolve()));
      expect(readMessages(check).map((m) => m.body)).not.toContain('sneaky viewer message');
    } finally {
      p2.destroy();
    }
    expect(owner.errors).toEqual([]);
    expect(viewer.errors).toEqual([]);
  });

  it('[P1][H16] at 375 px, an editor made a viewer while offline sees their edit undone in words and stays connected', { timeout: 120_000 }, async () => {
    const owner = await signIn(suite.browser, suite.server, 'omar@example.com', DESKTOP);
    const editor = await signIn(suite.browser, suite.server, 'ella@example.com', MOBILE);
    const collabId = await createCollaboration(owner, 'Garden plan');
    await addMember(owner, collabId, editor, 'editor');
    await owner.page.goto(`/#/c/${collabId}/notes`);
    await owner.page.getByTestId('notes').fill('Plant: tulips');
    await expectPhase(owner.page, 'saved');

    await editor.page.goto(`/#/c/${collabId}/notes`);
    await expect.poll(() => editor.page.getByTestId('notes').inputValue(), { timeout: 10_000 }).toBe('Plant: tulips');
    await expectPhase(editor.page, 'saved');
    await setOffline(editor, true);
    await expectPhase(editor.page, 'offline');
    // Typed at the same spot the owner types at meanwhile: the server has to place it past the
    // owner's text before it can refuse it.
    await editor.page.getByTestId('notes').click();
    await editor.page.keyboard.press('End');
    await editor.page.keyboard.type(', roses');
    await expect.poll(() => unsavedCount(editor.page)).toBeGreaterThan(0);

    const res = await fetch(`${suite.server.url.replace('localhost', '127.0.0.1')}/api/collaborations/${collabId}/members/${editor.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${await token(owner)}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ role: 'viewer' }),
    });
    expect(res.status).toBe(200);
    await owner.page.getByTestId('notes').click();
    await owner.page.keyboard.press('End');
    await owner.page.keyboard.type(', daisies');
    await expectPhase(owner.page, 'saved');

    // Sync sockets that reach the server from here on: the one reconnect after going online, and no other.
    let connections = 0;
    editor.page.on('websocket', (ws) => {
      if (ws.url().includes('/sync/')) ws.once('framereceived', () => connections++);
    });
    await setOffline(editor, false);
    const toast = editor.page.getByTestId('toast').filter({ hasText: 'A change of yours was not accepted and has been undone' });
    await toast.waitFor({ timeout: 20_000 });
    // Said where a phone shows it: inside the screen's width.
    const box = await toast.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(MOBILE.width);
    await editor.page.getByText('You are a viewer').waitFor({ timeout: 10_000 });
    await expect.poll(() => editor.page.getByTestId('notes').inputValue(), { timeout: 10_000 }).toBe('Plant: tulips, daisies');
    await expectPhase(editor.page, 'saved');
    await editor.page.screenshot({ path: join(SCREENSHOTS, 'collaboration-demoted-mobile.png'), fullPage: true });
    // Still connected a while later: the refusal did not end the connection or start a reconnect loop.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await syncPhase(editor.page)).toBe('saved');
    expect(await editor.page.getByText('reconnecting', { exact: false }).count()).toBe(0);
    expect(connections).toBe(1);
    // Nobody else ever had it.
    expect(await owner.page.getByTestId('notes').inputValue()).toBe('Plant: tulips, daisies');
    expect(owner.errors).toEqual([]);
    expect(editor.errors).toEqual([]);
  });
});
