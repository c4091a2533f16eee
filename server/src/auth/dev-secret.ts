// The development-auth signing secret, created once and kept in DATA_DIR (mode 0600).
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadDevSecret(dataDir: string): Uint8Array {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'dev-auth-secret');
  try {
    return new Uint8Array(readFileSync(file));
  } catch {
    const secret = randomBytes(32);
    try {
      writeFileSync(file, secret, { flag: 'wx', mode: 0o600 });
    } catch {
      // Another process created it first: use theirs.
    }
    return new Uint8Array(readFileSync(file));
  }
}
