// The development-auth signing secret, created once and kept in DATA_DIR (mode 0600). Several
// processes may start at once: the secret is written to a private temp file and published with
// link(2), which fails if the file exists, so nobody ever reads a half-written secret.
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function loadDevSecret(dataDir: string): Uint8Array {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'dev-auth-secret');
  try {
    const existing = readFileSync(file);
    if (existing.length === 32) return new Uint8Array(existing);
  } catch {
    // Not created yet.
  }
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(temp, randomBytes(32), { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch {
    // Another process published first: use theirs.
  } finally {
    unlinkSync(temp);
  }
  return new Uint8Array(readFileSync(file));
}
