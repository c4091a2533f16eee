// [O2] secrets are never logged: the logger redacts them wherever a logged object carries them.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('logger', () => {
  it('[O2][S14] redacts the peer secret, alone or inside a logged configuration', () => {
    const lines: string[] = [];
    const destination = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const logger = createLogger({ level: 'info', name: 'test', destination });
    logger.info({ PEER_SECRET: 'the-peer-secret-1', env: { PEER_SECRET: 'the-peer-secret-2', PEER_ADDRESS: 'server1:7070' }, transport: { secret: 'the-peer-secret-3' } }, 'configured');
    expect(lines.join('')).not.toMatch(/the-peer-secret/);
    expect(lines.join('')).toContain('server1:7070');
  });
});
