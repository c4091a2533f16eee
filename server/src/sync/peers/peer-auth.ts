// Mutual authentication of a peer link (SPEC [S14]): each side sends a fresh random nonce in its
// hello, then proves it knows the shared secret with an HMAC over both hellos and its role on the
// link. The prover's role, id and nonce come first, so a proof is never valid for the other side:
// not reflected back on the same link (a peer claiming our own id is refused anyway), and not
// relayed between two links a stranger opened to two servers (there both servers accept, so each
// only ever proves itself as the accepting side, and an accepting server wants the dialling side's
// proof). Fresh nonces keep an old proof from being replayed on a new link. The accepting side's
// address is in the proof as each side knows it — the dialler, the address it dialled; the
// acceptor, its own PEER_ADDRESS — so a registry record pointed at a relay (someone who can write
// the store, or redirect the name) gets no link through it: the two addresses differ.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as encoding from 'lib0/encoding';

export const NONCE_BYTES = 32;

export interface HelloSide {
  /** Which end of the link: the side that dialled, or the side that accepted. */
  role: 'dialer' | 'acceptor';
  instanceId: string;
  nonce: Uint8Array;
  /** The accepting side: the address the link was dialled at, as this process knows it; '' for the dialler. */
  address: string;
}

export const newNonce = (): Uint8Array => new Uint8Array(randomBytes(NONCE_BYTES));

/** What `prover` sends to show it holds `secret`, on the link between it and `verifier`. */
export function peerProof(secret: Buffer, prover: HelloSide, verifier: HelloSide): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, `trellis-peer-auth-v4`);
  encoding.writeVarString(e, prover.role);
  encoding.writeVarString(e, prover.instanceId);
  encoding.writeVarUint8Array(e, prover.nonce);
  encoding.writeVarString(e, prover.address);
  encoding.writeVarString(e, verifier.role);
  encoding.writeVarString(e, verifier.instanceId);
  encoding.writeVarUint8Array(e, verifier.nonce);
  encoding.writeVarString(e, verifier.address);
  return new Uint8Array(createHmac('sha256', secret).update(encoding.toUint8Array(e)).digest());
}

/** Constant-time check of the proof `prover` sent. */
export function proofHolds(secret: Buffer, prover: HelloSide, verifier: HelloSide, proof: Uint8Array): boolean {
  const expected = peerProof(secret, prover, verifier);
  return proof.length === expected.length && timingSafeEqual(proof, expected);
}
