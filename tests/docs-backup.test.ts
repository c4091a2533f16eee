// README's SQLite backup and restore commands work as written (run in a scratch directory laid out
// like the repository: ./data and node_modules). Skipped, with a notice, without the sqlite3 CLI
// for that command.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSqliteStore } from '@trellis/store';
import { REPO_ROOT } from '../scripts/cluster-lib.ts';

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const hasSqlite3 = spawnSync('sqlite3', ['-version']).error === undefined;
if (!hasSqlite3) console.warn('[docs-backup] sqlite3 CLI SKIPPED: not installed (apt-get install sqlite3); the node variant runs');

/** The inline command in README that starts with `prefix`. */
function command(prefix: string): string {
  const spans = README.split('\n').flatMap((line) => [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
  const found = spans.find((c) => c.startsWith(prefix));
  if (!found) throw new Error(`README has no command starting with ${prefix}`);
  return found;
}

describe('README backup and restore (SQLite)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'trellis-docs-'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
    const store = createSqliteStore({ dataDir: join(dir, 'data') });
    await store.kv.set('backed-up', 'yes');
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const read = async () => {
    const store = createSqliteStore({ dataDir: join(dir, 'data') });
    try {
      return await store.kv.get('backed-up');
    } finally {
      await store.close();
    }
  };

  it.skipIf(!hasSqlite3)('backs up with the sqlite3 CLI and restores with cp, as written', async () => {
    execSync(command('sqlite3 data/trellis.db ".backup'), { cwd: dir, shell: '/bin/sh' });
    const backup = readdirSync(dir).find((f) => /^trellis-\d{4}-\d{2}-\d{2}\.db$/.test(f));
    expect(backup).toBeDefined();
    // Changed after the backup: the restore must bring the old value back.
    const store = createSqliteStore({ dataDir: join(dir, 'data') });
    await store.kv.set('backed-up', 'changed later');
    await store.close();
    execSync(command('cp trellis-').replace(/trellis-\d{4}-\d{2}-\d{2}\.db/, backup!), { cwd: dir, shell: '/bin/sh' });
    expect(existsSync(join(dir, 'data', 'trellis.db-wal'))).toBe(false);
    expect(await read()).toBe('yes');
  });

  it('backs up with node and better-sqlite3, as written', () => {
    const out = execSync(command("node -e \"require('better-sqlite3')"), { cwd: dir, shell: '/bin/sh', encoding: 'utf8' });
    expect(out.trim()).toBe('ok');
    expect(existsSync(join(dir, 'trellis-backup.db'))).toBe(true);
  });
});
