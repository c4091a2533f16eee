// Random bytes from Web Crypto, available in Node 20 and every browser.
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
}
