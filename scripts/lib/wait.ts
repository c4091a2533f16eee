// Polling helpers: wait for an HTTP endpoint to answer 2xx, or for a condition to hold.
import { setTimeout as delay } from 'node:timers/promises';

/** Poll `check` every `intervalMs` until it returns true; throw `message` after `timeoutMs`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, message: string, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not yet: keep polling.
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms: ${message}`);
    await delay(intervalMs);
  }
}

/** True if GET `url` answers 2xx within `timeoutMs`. */
export async function httpOk(url: string, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

/** Wait until GET `url` answers 2xx. */
export function waitForHttpOk(url: string, timeoutMs: number): Promise<void> {
  return waitUntil(() => httpOk(url), timeoutMs, `GET ${url} never answered 2xx`, 200);
}
