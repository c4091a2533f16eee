// docker-compose.yml stays valid for docker-compose v1.29 (`config`), keeps `server` scalable and the
// test-only MongoDB behind a profile. Skipped, with a notice, where docker-compose is not installed.
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const available = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).error === undefined;
if (!available) console.warn('[compose.test] SKIPPED: docker-compose is not installed (apt-get install docker-compose)');

function compose(...args: string[]): SpawnSyncReturns<string> {
  // .env.example instead of a developer's .env: hermetic, and it checks the example file parses too.
  const env: NodeJS.ProcessEnv = { ...process.env, COMPOSE_PROJECT_NAME: 'trellis-config-check' };
  return spawnSync('docker-compose', ['--env-file', '.env.example', '-f', 'docker-compose.yml', ...args], { cwd: ROOT, encoding: 'utf8', env });
}

/** The lines of one service in `docker-compose config` output. */
function block(config: string, service: string): string {
  return new RegExp(`\\n {2}${service}:((?:\\n {4}.*)*)`).exec(config)?.[1] ?? '';
}

describe.skipIf(!available)('docker-compose.yml', () => {
  // docker-compose v1 takes seconds to start: run it twice, up front.
  let config: SpawnSyncReturns<string>;
  let services: SpawnSyncReturns<string>;
  beforeAll(() => {
    config = compose('config');
    services = compose('config', '--services');
  }, 120_000);

  it('passes `docker-compose config`', () => {
    expect(config.status, config.stderr).toBe(0);
    expect(config.stderr).not.toMatch(/WARN|ERROR/i);
  });

  it('has mongo, server, worker, nginx, and mongo-test behind the `test` profile', () => {
    expect(services.status, services.stderr).toBe(0);
    expect(services.stdout.trim().split('\n').sort()).toEqual(['mongo', 'mongo-test', 'nginx', 'server', 'worker']);
    expect(block(config.stdout, 'mongo-test')).toMatch(/\n {4}profiles:\n {4}- test/);
    expect(block(config.stdout, 'mongo')).toContain('--replSet');
  });

  it('keeps `server` scalable (no container_name, no host ports) on MongoDB', () => {
    const server = block(config.stdout, 'server');
    expect(server).toContain('STORE: mongo');
    expect(server).not.toMatch(/container_name:/);
    expect(server).not.toMatch(/\n {4}ports:/);
  });

  it('[O1][O2] ships closed: production servers without development login, MongoDB with a keyfile and users, secrets from files', () => {
    for (const service of ['server', 'worker']) {
      const app = block(config.stdout, service);
      expect(app).toContain('NODE_ENV: production');
      expect(app).not.toMatch(/DEV_LOGIN: '?1/);
      // The URL carries the password: read from a secret file, never written in the compose file.
      expect(app).toContain('MONGODB_URL_FILE: /run/secrets/mongodb_url');
      expect(app).not.toMatch(/MONGODB_URL: /);
      expect(app).toMatch(/secrets:\n {4}- source: mongodb_url/);
    }
    const mongo = block(config.stdout, 'mongo');
    expect(mongo).toMatch(/- --keyFile\n {4}- \/data\/configdb\/keyfile/);
    expect(mongo).toContain('MONGO_ROOT_PASSWORD_FILE: /run/secrets/mongo_root_password');
    expect(mongo).toContain('MONGO_APP_PASSWORD_FILE: /run/secrets/mongo_app_password');
    expect(mongo).not.toMatch(/\n {4}ports:/);
    expect(config.stdout).not.toMatch(/PASSWORD: /);
  });

  it('[S14] servers link over the compose network: a peer port never published, a secret from a file, presence off MongoDB', () => {
    const server = block(config.stdout, 'server');
    // Its own address on the compose network (`config` prints the file's `$$` escape as is).
    expect(server).toMatch(/PEER_ADDRESS="\$+\(hostname -i [^)]*\):7070" exec node --max-semi-space-size=8\s+dist\/server\.js/);
    expect(server).toContain('PEER_HOST: 0.0.0.0');
    expect(server).toContain('PEER_SECRET_FILE: /run/secrets/peer_secret');
    expect(server).toMatch(/secrets:\n {4}- source: mongodb_url\n {4}- source: peer_secret/);
    expect(server).not.toMatch(/PEER_SECRET: /);
    expect(server).not.toMatch(/\n {4}ports:/);
    expect(block(config.stdout, 'worker')).not.toContain('PEER_');
  });

  it('[O4] health checks use readiness: each server directly, nginx through to a ready server', () => {
    expect(block(config.stdout, 'server')).toMatch(/healthcheck:[\s\S]*\/api\/ready/);
    expect(block(config.stdout, 'nginx')).toMatch(/healthcheck:[\s\S]*\/api\/ready/);
  });
});
