// [S14] peer links across machines admit only processes that prove the shared secret: a stranger on
// the peer port — no secret, a wrong one, a proof reflected back, a frame out of turn, an oversize
// handshake — is cut off before anything it sends reaches a document, and the servers' own link and
// clients carry on. The same frames from a link that did prove the secret do arrive (the control
// that makes "nothing arrived" mean something).
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { WebsocketProvider } from 'y-websocket';
import { notesOf } from '@trellis/schema';
import { linked, tcpTestbed, tempDir, waitFor } from '../../testing/harness.ts';
import { newNonce, peerProof, proofHolds } from './peer-auth.ts';
import type { HelloSide } from './peer-auth.ts';
import { encodePeerFrame, PEER_PROTOCOL_VERSION, PeerFrameReader } from './peer-frame.ts';
import type { PeerFrame } from './peer-frame.ts';

const SECRET = 'the-servers-shared-peer-secret';
const bed = tcpTestbed(SECRET);
afterEach(() => bed.cleanup());
const linkedPair = () => bed.pair('o@tcp-peers.io');

/** A raw TCP client on a server's peer port that speaks (or abuses) the peer protocol by hand. */
async function rawPeer(port: number) {
  const socket: Socket = createConnection({ host: '127.0.0.1', port });
  const reader = new PeerFrameReader();
  const received: PeerFrame[] = [];
  socket.on('data', (chunk: Buffer) => received.push(...reader.push(chunk)));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  await waitFor(() => received.some((f) => f.type === 'hello'), 5000, 'the server says hello');
  const hello = received.find((f) => f.type === 'hello') as Extract<PeerFrame, { type: 'hello' }>;
  // The server accepted this connection: it proves itself, and checks proofs, as the accepting side.
  // Dialled at the address it registered (PEER_ADDRESS), as a server that read the registry would.
  const serverHello = { role: 'acceptor' as const, instanceId: hello.instanceId, nonce: hello.nonce, address: `127.0.0.1:${port}` };
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  return {
    socket, received, closed, serverHello,
    get isClosed() {
      return isClosed;
    },
    send: (frame: PeerFrame) => socket.write(encodePeerFrame(frame)),
  };
}

/** What an intruder would like every client of the collaboration to see. */
function injection(collaborationId: string): { presence: PeerFrame; update: PeerFrame; clientId: number } {
  const doc = new Y.Doc();
  notesOf(doc).insert(0, 'injected');
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  awareness.setLocalState({ user: { name: 'mallory' } });
  return {
    clientId: awareness.clientID,
    presence: { type: 'awareness', collaborationId, update: awarenessProtocol.encodeAwarenessUpdate(awareness, [awareness.clientID]) },
    update: { type: 'update', collaborationId, update: Y.encodeStateAsUpdate(doc) },
  };
}

const sees = (p: WebsocketProvider, clientId: number) => p.awareness.getStates().has(clientId);

const sideArb: fc.Arbitrary<HelloSide> = fc.record({
  role: fc.constantFrom('dialer' as const, 'acceptor' as const),
  instanceId: fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
  nonce: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  address: fc.constantFrom('', 'server1:7070', '10.0.0.2:7070'),
});

const sameSide = (a: HelloSide, b: HelloSide) => a.role === b.role && a.instanceId === b.instanceId && Buffer.from(a.nonce).equals(b.nonce) && a.address === b.address;

describe('peer proofs', () => {
  it('[S14] a proof holds for exactly the secret, roles, ids, nonces and accepting address it was made over; any one of them changed, it fails', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 16, maxLength: 40 }), fc.string({ minLength: 16, maxLength: 40 }), sideArb, sideArb, fc.nat(31), (secretText, otherText, prover, verifier, bit) => {
        const secret = Buffer.from(secretText);
        const proof = peerProof(secret, prover, verifier);
        expect(proofHolds(secret, prover, verifier, proof)).toBe(true);
        const flipped = (n: Uint8Array) => n.map((b, i) => (i === bit ? b ^ 1 : b));
        const other = (role: HelloSide['role']) => (role === 'dialer' ? 'acceptor' : 'dialer');
        const variants: [Buffer, HelloSide, HelloSide][] = [
          [secret, { ...prover, role: other(prover.role) }, verifier],
          [secret, prover, { ...verifier, role: other(verifier.role) }],
          [secret, { ...prover, instanceId: `${prover.instanceId}x` }, verifier],
          [secret, prover, { ...verifier, instanceId: `${verifier.instanceId}x` }],
          [secret, { ...prover, nonce: flipped(prover.nonce) }, verifier],
          [secret, prover, { ...verifier, nonce: flipped(verifier.nonce) }],
          [secret, { ...prover, address: `${prover.address}x` }, verifier],
          [secret, prover, { ...verifier, address: `${verifier.address}x` }],
        ];
        if (otherText !== secretText) variants.push([Buffer.from(otherText), prover, verifier]);
        // Reflected: the same link seen from the other end (unless both ends are alike in everything).
        if (!sameSide(prover, verifier)) variants.push([secret, verifier, prover]);
        for (const [s, p, v] of variants) expect(proofHolds(s, p, v, proof)).toBe(false);
        expect(proofHolds(secret, prover, verifier, proof.subarray(0, 31))).toBe(false);
      }),
      { numRuns: 300, seed: 20261130 },
    );
  });
});

describe('peer links across machines: authentication', () => {
  it('[S14] a client without the secret, with a wrong one, or reflecting the server\'s own proof is closed; nothing it sent reaches anyone', async () => {
    const { a, b, collab, alice, bob } = await linkedPair();
    const { presence, update, clientId } = injection(collab);
    const nonce = newNonce();
    const attempts: ((peer: Awaited<ReturnType<typeof rawPeer>>) => void)[] = [
      // No secret at all: hello, then straight to the payload.
      (peer) => {
        peer.send({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId: 'server-intruder', nonce });
        peer.send(presence);
        peer.send(update);
      },
      // A proof made with the wrong secret.
      (peer) => {
        const me = { role: 'dialer' as const, instanceId: 'server-intruder', nonce, address: '' };
        peer.send({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId: me.instanceId, nonce });
        peer.send({ type: 'auth', proof: peerProof(Buffer.from('not-the-shared-secret'), me, peer.serverHello) });
        peer.send(presence);
        peer.send(update);
      },
      // The server's own proof sent back as ours, once the server has sent it.
      (peer) => {
        peer.send({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId: 'server-intruder', nonce });
        void waitFor(() => peer.received.some((f) => f.type === 'auth'), 5000, 'the server proves itself').then(() => {
          const theirs = peer.received.find((f) => f.type === 'auth') as Extract<PeerFrame, { type: 'auth' }>;
          peer.send({ type: 'auth', proof: theirs.proof });
          peer.send(presence);
          peer.send(update);
        }, () => undefined);
      },
      // Claiming to be the server itself.
      (peer) => {
        peer.send({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId: a.instanceId, nonce });
        peer.send(presence);
      },
      // A document frame before any hello.
      (peer) => peer.send(presence),
    ];
    for (const [i, attempt] of attempts.entries()) {
      const peer = await rawPeer(a.peerPort);
      attempt(peer);
      await waitFor(() => peer.isClosed, 3000, `attempt ${i} closed`);
    }
    // Give anything that slipped through time to show.
    await new Promise((r) => setTimeout(r, 300));
    for (const p of [alice, bob]) {
      expect(sees(p, clientId)).toBe(false);
      expect(notesOf(p.doc).toString()).toBe('');
    }
    expect(a.sync.relay!.peerIds).toEqual([b.instanceId]);
    // The servers' own link still carries edits and presence.
    notesOf(alice.doc).insert(0, 'still linked');
    bob.awareness.setLocalStateField('user', { name: 'bob' });
    await waitFor(() => notesOf(bob.doc).toString() === 'still linked' && sees(alice, bob.awareness.clientID), 5000, 'a and b still linked');
  }, 60_000);

  it('[S14] a stranger relaying the two servers\' own proofs between two links it opened is closed on both', async () => {
    const { a, b, collab, alice, bob } = await linkedPair();
    const { presence, clientId } = injection(collab);
    const toA = await rawPeer(a.peerPort);
    const toB = await rawPeer(b.peerPort);
    // To each server the stranger claims to be the other, with the other's own nonce.
    toA.send({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId: b.instanceId, nonce: toB.serverHello.nonce });
    toB.send({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId: a.instanceId, nonce: toA.serverHello.nonce });
    await waitFor(() => toA.received.some((f) => f.type === 'auth') && toB.received.some((f) => f.type === 'auth'), 5000, 'both servers prove themselves');
    const proofOf = (peer: typeof toA) => (peer.received.find((f) => f.type === 'auth') as Extract<PeerFrame, { type: 'auth' }>).proof;
    // Each server's proof, over exactly the ids and nonces the other one sees, handed to the other.
    toB.send({ type: 'auth', proof: proofOf(toA) });
    toA.send({ type: 'auth', proof: proofOf(toB) });
    toA.send(presence);
    toB.send(presence);
    await waitFor(() => toA.isClosed && toB.isClosed, 3000, 'both links closed');
    await new Promise((r) => setTimeout(r, 300));
    expect([sees(alice, clientId), sees(bob, clientId)]).toEqual([false, false]);
    expect([a.sync.relay!.peerIds, b.sync.relay!.peerIds]).toEqual([[b.instanceId], [a.instanceId]]);
  }, 60_000);

  it('[S14] an oversize frame before authentication closes the link from its length alone', async () => {
    const dataDir = tempDir();
    const a = await bed.server(dataDir);
    const peer = await rawPeer(a.peerPort);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(8 * 1024 * 1024);
    const sent = Date.now();
    peer.socket.write(header);
    await peer.closed;
    // From the length alone, not from the handshake's time running out (2 s).
    expect(Date.now() - sent).toBeLessThan(1_500);
  }, 30_000);

  it('[S14] strangers on the peer port cannot crowd out the servers: at most 8 unproven connections from one address are kept, and a server still links', async () => {
    const dataDir = tempDir();
    const a = await bed.server(dataDir);
    const flood = await Promise.all(Array.from({ length: 20 }, () => rawPeer(a.peerPort).catch(() => null)));
    // Those past the eighth from this address are closed at once; the first eight wait for their handshake.
    await waitFor(() => flood.filter((p) => p === null || p.isClosed).length >= 12, 1_500, 'connections past the cap closed');
    expect(flood.filter((p) => p !== null && !p.isClosed).length).toBeLessThanOrEqual(8);
    const b = await bed.server(dataDir);
    await linked([a, b]);
    for (const p of flood) p?.socket.destroy();
  }, 60_000);

  it('[S14] a proof made for another address than the server\'s own (a registry record pointed at a relay) is refused, secret and all', async () => {
    const { a, collab, alice, bob } = await linkedPair();
    const { presence, update, clientId } = injection(collab);
    const peer = await rawPeer(a.peerPort);
    const me = { role: 'dialer' as const, instanceId: 'server-relayed', nonce: newNonce(), address: '' };
    peer.send({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId: me.instanceId, nonce: me.nonce });
    // The dialler believes it dialled the relay's address; the server knows its own.
    peer.send({ type: 'auth', proof: peerProof(Buffer.from(SECRET), me, { ...peer.serverHello, address: '127.0.0.1:1' }) });
    peer.send(presence);
    peer.send(update);
    await peer.closed;
    expect(a.sync.relay!.peerIds).not.toContain(me.instanceId);
    expect(sees(alice, clientId) || sees(bob, clientId)).toBe(false);
  }, 60_000);

  it('[S14] the same frames from a link that proved the secret arrive; its malformed frame then closes that link only', async () => {
    const { a, b, collab, alice, bob } = await linkedPair();
    const { presence, update, clientId } = injection(collab);
    const peer = await rawPeer(a.peerPort);
    const me = { role: 'dialer' as const, instanceId: 'server-trusted', nonce: newNonce(), address: '' };
    peer.send({ type: 'hello', version: PEER_PROTOCOL_VERSION, instanceId: me.instanceId, nonce: me.nonce });
    peer.send({ type: 'auth', proof: peerProof(Buffer.from(SECRET), me, peer.serverHello) });
    await waitFor(() => a.sync.relay!.peerIds.includes(me.instanceId), 5000, 'a opened the link');
    peer.send(presence);
    peer.send(update);
    await waitFor(() => sees(alice, clientId) && notesOf(alice.doc).toString() === 'injected', 5000, 'alice sees what the proven peer sent');
    peer.socket.write(Buffer.from([0, 0, 0, 3, 9, 9, 9]));
    await peer.closed;
    expect(a.sync.relay!.peerIds).toEqual([b.instanceId]);
    notesOf(bob.doc).insert(0, '!');
    await waitFor(() => notesOf(alice.doc).toString().includes('!'), 5000, 'a and b still linked');
  }, 60_000);
});
