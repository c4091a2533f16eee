// [S14] an open peer link pings; one whose peer falls silent (a machine gone without closing its
// sockets) is closed, so the [S10] ledger stores what that peer forwarded instead of waiting for TCP.
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@trellis/runtime';
import { waitFor } from '../../testing/harness.ts';
import { newNonce, peerProof } from './peer-auth.ts';
import { encodePeerFrame, PEER_PROTOCOL_VERSION, PeerFrameReader } from './peer-frame.ts';
import type { PeerFrame } from './peer-frame.ts';
import { PeerLink } from './peer-link.ts';
import type { PeerLinkEvents } from './peer-link.ts';

const secret = Buffer.from('a-secret-for-heartbeat-tests');
const heartbeat = { everyMs: 50, silentMs: 300 };
const logger = createLogger({ level: 'silent', name: 'peer-link-test' });
const cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

function linkEvents(log: string[]): PeerLinkEvents {
  return { onHello: (l) => log.push(`open ${l.peerId}`), onFrame: () => undefined, onClose: () => log.push('closed') };
}

/** A listener whose every connection becomes a PeerLink of `server-b`. */
async function listener(log: string[]): Promise<number> {
  const server: Server = createServer((socket) => new PeerLink(socket, false, { instanceId: 'server-b', secret, expectedPeerId: null, acceptorAddress: 'server-b:7070', heartbeat }, linkEvents(log), logger));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

async function connected(port: number): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port });
  cleanup.push(() => socket.destroy());
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return socket;
}

describe('peer link heartbeat', () => {
  it('[S14] two linked processes stay linked while quiet, and through a stall of one: the pings keep the link alive', async () => {
    const serverLog: string[] = [];
    const port = await listener(serverLog);
    const clientLog: string[] = [];
    const link = new PeerLink(await connected(port), true, { instanceId: 'server-a', secret, expectedPeerId: 'server-b', acceptorAddress: 'server-b:7070', heartbeat }, linkEvents(clientLog), logger);
    await waitFor(() => link.open && serverLog.includes('open server-a'), 2000, 'linked');
    await new Promise((r) => setTimeout(r, 4 * heartbeat.silentMs));
    expect(link.open).toBe(true);
    // A process that stalls (a long GC pause, a busy loop) longer than the silence limit is not
    // mistaken for a silent peer: the pings waiting unread count once it resumes.
    const until = Date.now() + 2 * heartbeat.silentMs;
    while (Date.now() < until) { /* stall the event loop */ }
    await new Promise((r) => setTimeout(r, 4 * heartbeat.everyMs));
    expect(link.open).toBe(true);
    expect([...serverLog, ...clientLog]).toEqual(['open server-a', 'open server-b']);
  });

  it('[S14] a peer that proves the secret and then falls silent is cut off', async () => {
    const serverLog: string[] = [];
    const socket = await connected(await listener(serverLog));
    const reader = new PeerFrameReader();
    const received: PeerFrame[] = [];
    socket.on('data', (chunk: Buffer) => received.push(...reader.push(chunk)));
    socket.on('error', () => undefined);
    let closedAt = 0;
    socket.on('close', () => (closedAt = Date.now()));
    await waitFor(() => received.length > 0, 2000, 'hello');
    const hello = received[0] as Extract<PeerFrame, { type: 'hello' }>;
    const theirs = { role: 'acceptor' as const, instanceId: hello.instanceId, nonce: hello.nonce, address: 'server-b:7070' };
    const me = { role: 'dialer' as const, instanceId: 'server-silent', nonce: newNonce(), address: '' };
    socket.write(encodePeerFrame({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId: me.instanceId, nonce: me.nonce }));
    socket.write(encodePeerFrame({ type: 'auth', proof: peerProof(secret, me, theirs) }));
    await waitFor(() => serverLog.includes('open server-silent'), 2000, 'opened');
    const openedAt = Date.now();
    await waitFor(() => closedAt > 0, 3000, 'the silent peer cut off');
    expect(closedAt - openedAt).toBeGreaterThanOrEqual(heartbeat.silentMs / 2);
    expect(received.some((f) => f.type === 'ping')).toBe(true);
  });
});
