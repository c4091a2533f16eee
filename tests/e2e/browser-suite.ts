// Shared lifecycle of a browser test file: before its tests, build the web app, start the real server
// and launch Chromium; after them, close the browser and stop the server.
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startFakeLlm } from '../../worker/src/testing/fake-llm.ts';
import type { FakeLlm } from '../../worker/src/testing/fake-llm.ts';
import { buildClientOnce, launch, SCREENSHOTS, startServer } from './harness.ts';
import type { TestServer } from './harness.ts';

/** The server and browser a `describeBrowser` block's tests share; read them inside tests. */
export interface BrowserServer {
  readonly server: TestServer;
  readonly browser: Browser;
}

/**
 * Registers the beforeAll/afterAll that own one server and one browser for the enclosing describe block.
 * Hooks a file registers before this call run before it starts and (vitest's default stack order) after it stops.
 */
export function withBrowserServer(): BrowserServer {
  let server: TestServer | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    await buildClientOnce();
    server = await startServer();
    browser = await launch();
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  return {
    get server() {
      if (!server) throw new Error('withBrowserServer: the server is not started (read it inside a test)');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('withBrowserServer: the browser is not launched (read it inside a test)');
      return browser;
    },
  };
}

/**
 * Registers the beforeAll/afterAll that own one fake LLM server for the enclosing describe block.
 * Call it before `withBrowserServer()`, so the fake starts before the server and closes after it.
 */
export function withFakeLlm(): { readonly llm: FakeLlm } {
  let llm: FakeLlm | undefined;
  beforeAll(async () => {
    llm = await startFakeLlm();
  });
  afterAll(async () => {
    await llm?.close();
  });
  return {
    get llm() {
      if (!llm) throw new Error('withFakeLlm: the fake LLM is not started (read it inside a test)');
      return llm;
    },
  };
}
