// docker-compose.yml stays valid for docker-compose v1.29 (`config`), with the test-only MongoDB behind a profile.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const available = spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).error === undefined;
if (!available) console.warn('[compose.test] SKIPPED: docker-compose is not installed (apt-get install docker-compose)');

function compose(...args: string[]) {
  // .env.example instead of a developer's .env: hermetic, and it checks the example file parses too.
  const env: NodeJS.ProcessEnv = { ...process.env, COMPOSE_PROJECT_NAME: 'trellis-config-check' };
  return spawnSync('docker-compose', ['--env-file', '.env.example', '-f', 'docker-compose.yml', ...args], { cwd: ROOT, encoding: 'utf8', env });
}

/** The lines of one service in `docker-compose config` output (starting with a newline). */
function block(config: string, service: string): string {
  return new RegExp(`\\n {2}${service}:((?:\\n {4}.*)*)`).exec(config)?.[1] ?? '';
}

describe.skipIf(!available)('docker-compose.yml', () => {
  it('passes `docker-compose config`', () => {
    const r = compose('config', '-q');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/WARN|ERROR/i);
  });

  it('has mongo, server, worker, nginx, and mongo-test behind the `test` profile', () => {
    const r = compose('config');
    expect(r.status, r.stderr).toBe(0);
    const services = compose('config', '--services').stdout.trim().split('\n').sort();
    expect(services).toEqual(['mongo', 'mongo-test', 'nginx', 'server', 'worker']);
    expect(block(r.stdout, 'mongo-test')).toMatch(/\n {4}profiles:\n {4}- test/);
    expect(block(r.stdout, 'mongo')).toContain('--replSet');
  });

  it('keeps `server` scalable: no container_name and no host ports', () => {
    const r = compose('config');
    expect(r.status, r.stderr).toBe(0);
    const server = block(r.stdout, 'server');
    expect(server).toContain('STORE: mongo');
    expect(server).not.toMatch(/container_name:/);
    expect(server).not.toMatch(/\n {4}ports:/);
  });
});
