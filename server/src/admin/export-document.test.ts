// [H15] The operator's path to a document the server refuses to serve: `npm run export-document`
// integrates it in its own process (no deadline) and prints it as JSON; nothing is written.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createSqliteStore } from '@trellis/store';
import { collab } from '@trellis/store/conformance';
import { shapedLog } from '../sync/gate/testing/crafted.ts';
import { tempDir } from '../testing/harness.ts';

const run = promisify(execFile);
const ENTRY = new URL('./export-document.ts', import.meta.url).pathname;

function exportDocument(dataDir: string, ...args: string[]) {
  return run(process.execPath, ['--import', 'tsx', ENTRY, ...args], { env: { ...process.env, DATA_DIR: dataDir, STORE: 'sqlite' }, maxBuffer: 64 * 1024 * 1024 })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }), (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }));
}

describe('export-document', () => {
  it('[H15] prints a stored document too costly for the server as JSON, and writes nothing', async () => {
    const dataDir = tempDir();
    const store = createSqliteStore({ dataDir });
    const old = collab('usr_boss', 'Old');
    const id = old.id;
    await store.collaborations.create(old);
    await store.docs.append(id, shapedLog(12_000), 'test');
    const before = await store.docs.load(id);
    await store.close();

    const out = await exportDocument(dataDir, id);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout) as { collaborationId: string; seq: number; incomplete: boolean; notes: string; messages: unknown[] };
    expect(json).toMatchObject({ collaborationId: id, seq: before.lastSeq, incomplete: false, messages: [] });
    expect(json.notes).toHaveLength(12_002);

    const after = createSqliteStore({ dataDir });
    expect((await after.docs.load(id)).lastSeq).toBe(before.lastSeq);
    await after.close();
  });

  it('[H15] says what is wrong, on one line, for a missing or unknown collaboration id or a DATA_DIR with no store, and creates nothing', async () => {
    const empty = tempDir();
    const nowhere = await exportDocument(empty, 'col_nobody');
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toMatch(/^no store in DATA_DIR .* \(no trellis\.db there\)\n$/);
    expect(readdirSync(empty)).toEqual([]);
    const dataDir = tempDir();
    await createSqliteStore({ dataDir }).close();
    const missing = await exportDocument(dataDir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^usage: export-document <collaborationId>\n$/);
    const unknown = await exportDocument(dataDir, 'col_nobody');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no collaboration col_nobody/);
  });
});
