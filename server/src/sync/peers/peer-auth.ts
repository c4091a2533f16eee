// Mutual authentication of a peer link (SPEC [S14]): each side sends a fresh random nonce in its
// hello, then proves it knows the shared secret with an HMAC over both hellos. The prover's own id
// and nonce come first, so a proof can never be reflected back as the other side's (a peer claiming
// our own id is refused before any proof is checked), and fresh nonces keep an old proof from being
// replayed on a new link.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as encoding from 'lib0/encoding';

export const NONCE_BYTES = 32;

export interface HelloSide {
  instanceId: string;
  nonce: Uint8Array;
}

export const newNonce = (): Uint8Array => new Uint8Array(randomBytes(NONCE_BYTES));

/** What `prover` sends to show it holds `secret`, on the link between it and `verifier`. */
export function peerProof(secret: Buffer, prover: HelloSide, verifier: HelloSide): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarString(e, `trellis-peer-auth-v3`);
  encoding.writeVarString(e, prover.instanceId);
  encoding.writeVarUint8Array(e, prover.nonce);
  encoding.writeVarString(e, verifier.instanceId);
  encoding.writeVarUint8Array(e, verifier.nonce);
  return new Uint8Array(createHmac('sha256', secret).update(encoding.toUint8Array(e)).digest());
}

/** Constant-time check of the proof `prover` sent. */
export function proofHolds(secret: Buffer, prover: HelloSide, verifier: HelloSide, proof: Uint8Array): boolean {
  const expected = peerProof(secret, prover, verifier);
  return proof.length === expected.length && timingSafeEqual(proof, expected);
}
