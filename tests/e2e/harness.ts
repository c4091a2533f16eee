// End-to-end harness: builds the web app once (file lock, skipped when dist is fresh), starts the real
// server (and worker) as child processes on free ports with a temporary DATA_DIR, and opens Chromium
// contexts signed in through the real login screen.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect } from 'vitest';
import type { Browser, BrowserContext, CDPSession, Frame, Page } from 'playwright-core';

export const ROOT = new URL('../../', import.meta.url).pathname;
export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');
export const MOBILE = { width: 375, height: 740 };
/** A tall phone (375 × 812), for the connection-state screens. */
export const PHONE = { width: 375, height: 812 };
export const DESKTOP = { width: 1280, height: 800 };

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = st.mtimeMs;
  for (const name of readdirSync(path)) max = Math.max(max, newestMtime(join(path, name)));
  return max;
}

function distIsFresh(): boolean {
  const built = join(ROOT, 'client', 'dist', 'index.html');
  if (!existsSync(built) || !existsSync(join(ROOT, 'client', 'dist', 'sw.js')) || !existsSync(`${built}.br`)) return false;
  const inputs = ['client/src', 'client/index.html', 'client/vite.config.ts', 'client/package.json', 'client/public', 'shared/schema/src', 'scripts/precompress.ts'].map((p) => join(ROOT, p));
  return Math.max(...inputs.filter(existsSync).map(newestMtime)) < statSync(built).mtimeMs;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `npm run build -w client`, once across parallel test files. */
export async function buildClientOnce(): Promise<void> {
  const lock = join(ROOT, '.tmp', 'client-build.lock');
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  for (;;) {
    if (distIsFresh()) return;
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building; a lock older than 5 minutes is left over from a crash.
      if (Date.now() - statSync(lock).mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      await sleep(500);
      continue;
    }
    try {
      // The production build people get: under vitest NODE_ENV is 'test', which would make Vite bundle React's development build.
      if (!distIsFresh()) execFileSync('npm', ['run', 'build', '-w', 'client'], { cwd: ROOT, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } });
      return;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const OUR_VARS = ['PORT', 'HOST', 'DATA_DIR', 'STORE', 'MONGODB_URL', 'SUPABASE_URL', 'SUPABASE_JWT_SECRET', 'AI_PROVIDER', 'GROQ_API_KEY', 'GROQ_MODEL', 'GROQ_BASE_URL', 'OPENAI_BASE_URL', 'OPENAI_API_KEY', 'OPENAI_MODEL', 'ALLOWED_ORIGINS'];

function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'warn' };
  for (const k of OUR_VARS) delete env[k];
  return { ...env, ...extra };
}

export interface Proc {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

function startProc(script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (b: Buffer) => {
    out = (out + b.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export interface TestServer {
  url: string;
  port: number;
  dataDir: string;
  server: Proc;
  worker: Proc | null;
  startWorker: (env: Record<string, string>) => Proc;
  /** Stops the server process (gracefully) and leaves its port closed; its data stays. */
  stopServer: () => Promise<void>;
  /** Starts the server process again on the same port and data; resolves once it is healthy. */
  restartServer: () => Promise<void>;
  stop: () => Promise<void>;
}

async function launchServer(port: number, dataDir: string): Promise<Proc> {
  const server = startProc('server/src/main.ts', { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir });
  const deadline = Date.now() + 45_000;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`server exited early:\n${server.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`server did not become healthy:\n${server.output()}`);
    }
    await sleep(200);
  }
}

export async function startServer(): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'trellis-e2e-'));
  const port = await freePort();
  const ts: TestServer = {
    url: `http://localhost:${port}`,
    port,
    dataDir,
    server: await launchServer(port, dataDir),
    worker: null,
    startWorker(env) {
      ts.worker = startProc('worker/src/main.ts', { DATA_DIR: dataDir, HOST: '127.0.0.1', ...env });
      return ts.worker;
    },
    async stopServer() {
      await ts.server.stop();
    },
    async restartServer() {
      await ts.server.stop();
      ts.server = await launchServer(port, dataDir);
    },
    async stop() {
      await ts.worker?.stop();
      await ts.server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return ts;
}

/** Debian's chromium (playwright's own browser download is not available on these machines). */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const HAS_BROWSER = existsSync(CHROMIUM);
// On a developer machine without chromium the browser tests are skipped with a visible notice; in CI
// (which installs it) a missing browser is an error, never a silent skip.
if (!HAS_BROWSER && process.env['CI']) throw new Error(`CI: no browser at ${CHROMIUM} (.ci/run installs Debian's chromium)`);
if (!HAS_BROWSER) console.warn(`skipped: browser tests need chromium at ${CHROMIUM} (apt-get install chromium)`);
export const describeBrowser = HAS_BROWSER ? describe : describe.skip;

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}

export interface TestUser {
  context: BrowserContext;
  page: Page;
  id: string;
  email: string;
  /** Console errors and uncaught page errors seen so far. */
  errors: string[];
}

/** A fresh browser context signed in as `email` through the login screen. */
export async function signIn(browser: Browser, server: TestServer, email: string, viewport = DESKTOP): Promise<TestUser> {
  const context = await browser.newContext({ viewport, baseURL: server.url });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    // Network failures while deliberately offline are the browser's, not the app's.
    if (m.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|WebSocket connection|Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto('/');
  await page.getByLabel('E-mail').fill(email);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Collaborations' }).waitFor();
  const id = await page.evaluate(() => (JSON.parse(localStorage.getItem('trellis:session') ?? '{}') as { user?: { id?: string } }).user?.id ?? '');
  return { context, page, id, email, errors };
}

export async function token(u: TestUser): Promise<string> {
  return u.page.evaluate(() => (JSON.parse(localStorage.getItem('trellis:session') ?? '{}') as { token?: string }).token ?? '');
}

/** Creates a collaboration through the list screen; returns its id (from the hash route). */
export async function createCollaboration(u: TestUser, title: string): Promise<string> {
  await u.page.goto('/#/');
  await u.page.getByLabel('New collaboration').fill(title);
  await u.page.getByRole('button', { name: 'Create' }).click();
  await u.page.waitForURL(/#\/c\//);
  const id = /#\/c\/([^/]+)/.exec(u.page.url())?.[1];
  if (!id) throw new Error('no collaboration id in the URL');
  await u.page.getByRole('heading', { name: title }).waitFor();
  return decodeURIComponent(id);
}

/** The owner adds a member (already signed in once) by email through the Members tab, and waits for the row. */
export async function addMember(owner: TestUser, collabId: string, member: { email: string }, role: 'owner' | 'editor' | 'viewer'): Promise<void> {
  await owner.page.goto(`/#/c/${collabId}/members`);
  await owner.page.getByLabel('Email', { exact: true }).fill(member.email);
  await owner.page.locator('#member-role').selectOption(role);
  await owner.page.getByRole('button', { name: 'Invite', exact: true }).click();
  await owner.page.getByTestId('member-row').filter({ hasText: member.email }).waitFor();
}

export async function syncPhase(page: Page): Promise<string | null> {
  return page.getByTestId('sync-status').getAttribute('data-phase');
}

/** Local changes the open collaboration's indicator counts as not yet stored. */
export async function unsavedCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('sync-status').getAttribute('data-unsaved'));
}

/**
 * Waits until the open collaboration's sync indicator shows `phase`. The indicator follows the socket,
 * the save acknowledgements and the browser's network state, all asynchronous: never read it just once.
 */
export async function expectPhase(page: Page, phase: string, timeout = 15_000): Promise<void> {
  await expect.poll(() => syncPhase(page), { timeout, message: `sync status of ${page.url()}` }).toBe(phase);
}

const offlineEmulation = new WeakMap<Page, { cdp: CDPSession; stop: () => void }>();

/**
 * Takes a person's browser off the network, or puts it back. `context.setOffline` blocks the network,
 * but Chromium 150 does not carry the emulated state into a document its service worker serves on a
 * reload: there `navigator.onLine` stays true and no `offline` event fires, so the page cannot know it
 * is offline. While offline, the page's own DevTools session states it again after every navigation,
 * which gives the page what a device without network gives it. Going back online ends that session.
 */
export async function setOffline(u: TestUser, offline: boolean): Promise<void> {
  await u.context.setOffline(offline);
  const current = offlineEmulation.get(u.page);
  if (!offline) {
    if (!current) return;
    offlineEmulation.delete(u.page);
    current.stop();
    await current.cdp.detach();
    return;
  }
  if (current) return;
  const cdp = await u.context.newCDPSession(u.page);
  await cdp.send('Network.enable');
  const state = () => cdp.send('Network.emulateNetworkConditions', { offline: true, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const onNavigated = (frame: Frame) => {
    if (frame === u.page.mainFrame()) state().catch(() => undefined);
  };
  u.page.on('framenavigated', onNavigated);
  offlineEmulation.set(u.page, { cdp, stop: () => u.page.off('framenavigated', onNavigated) });
  await state();
}

/** Waits until the page is controlled by the service worker (precache done, clients claimed). */
export async function waitForServiceWorker(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  // It claims open pages when it activates; should that miss this page (it loaded while an older
  // worker was still in charge), a reload is what a person would do, and the page is controlled.
  const controlled = () => page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 10_000 });
  try {
    await controlled();
  } catch {
    await page.reload();
    await controlled();
  }
}
