import { describe, expect, it } from 'vitest';
import { parseEnv } from './env.ts';

const files: Record<string, string> = { '/run/secrets/jwt': 'a-secret-that-is-long-enough\n', '/run/secrets/empty': '\n' };
const read = (path: string): string => {
  const v = files[path];
  if (v === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
  return v;
};

describe('parseEnv', () => {
  it('[O2] reads a secret from its _FILE variable, dropping the trailing newline', () => {
    expect(parseEnv({ SUPABASE_JWT_SECRET_FILE: '/run/secrets/jwt' }, read).SUPABASE_JWT_SECRET).toBe('a-secret-that-is-long-enough');
  });

  it('[O2] refuses a variable set both ways, an unreadable file and an empty one, naming the _FILE variable', () => {
    expect(() => parseEnv({ SUPABASE_JWT_SECRET: 'a-secret-that-is-long-enough', SUPABASE_JWT_SECRET_FILE: '/run/secrets/jwt' }, read)).toThrow(/^invalid environment variable SUPABASE_JWT_SECRET_FILE: set either/);
    expect(() => parseEnv({ MONGODB_URL_FILE: '/run/secrets/nope' }, read)).toThrow('invalid environment variable MONGODB_URL_FILE: cannot read /run/secrets/nope (ENOENT)');
    expect(() => parseEnv({ GROQ_API_KEY_FILE: '/run/secrets/empty' }, read)).toThrow('invalid environment variable GROQ_API_KEY_FILE: /run/secrets/empty is empty');
  });

  it('[O2] validates a value read from a file like one from the environment', () => {
    files['/run/secrets/url'] = 'http://not-mongo\n';
    expect(() => parseEnv({ STORE: 'mongo', MONGODB_URL_FILE: '/run/secrets/url' }, read)).toThrow(/^invalid environment variable MONGODB_URL: /);
  });

  it('[O3] accepts addresses, CIDR ranges and the Express names in TRUST_PROXY, nothing that trusts everyone', () => {
    expect(parseEnv({ TRUST_PROXY: '10.0.0.0/8, 172.16.0.0/12,::1,fd00::/8,loopback,uniquelocal' }).TRUST_PROXY).toBeDefined();
    for (const bad of ['true', '*', '0.0.0.0/-1', 'nginx', '10.0.0.0/33']) {
      expect(() => parseEnv({ TRUST_PROXY: bad }), bad).toThrow(/^invalid environment variable TRUST_PROXY: /);
    }
  });

  it('[O1] DEV_LOGIN is 0 or 1', () => {
    expect(parseEnv({ DEV_LOGIN: '1' }).DEV_LOGIN).toBe('1');
    expect(() => parseEnv({ DEV_LOGIN: 'yes' })).toThrow(/^invalid environment variable DEV_LOGIN: /);
  });

  it('[S14] peer links across machines need an address and a shared secret (also from a file); strays are named', () => {
    files['/run/secrets/peer'] = 'a-peer-secret-long-enough\n';
    const env = parseEnv({ PEER_ADDRESS: 'server1:7070', PEER_SECRET_FILE: '/run/secrets/peer', PEER_HOST: '0.0.0.0' }, read);
    expect([env.PEER_ADDRESS, env.PEER_SECRET, env.PEER_HOST]).toEqual(['server1:7070', 'a-peer-secret-long-enough', '0.0.0.0']);
    expect(parseEnv({ PEER_ADDRESS: '[fd00::2]:7070', PEER_SECRET: 'a-peer-secret-long-enough' }).PEER_ADDRESS).toBe('[fd00::2]:7070');
    for (const bad of ['server1', 'server1:0', 'server1:70000', ':7070', 'http://server1:7070', 'a b:1']) {
      expect(() => parseEnv({ PEER_ADDRESS: bad, PEER_SECRET: 'a-peer-secret-long-enough' }), bad).toThrow(/^invalid environment variable PEER_ADDRESS: /);
    }
    expect(() => parseEnv({ PEER_ADDRESS: 'server1:7070' })).toThrow(/^invalid environment variable PEER_SECRET: required/);
    expect(() => parseEnv({ PEER_ADDRESS: 'server1:7070', PEER_SECRET: 'short' })).toThrow(/^invalid environment variable PEER_SECRET: must be at least 16/);
    expect(() => parseEnv({ PEER_SECRET: 'a-peer-secret-long-enough' })).toThrow(/^invalid environment variable PEER_SECRET: only used with PEER_ADDRESS/);
    expect(() => parseEnv({ PEER_HOST: '0.0.0.0' })).toThrow(/^invalid environment variable PEER_HOST: only used with PEER_ADDRESS/);
  });
});
