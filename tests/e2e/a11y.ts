// Browser checks shared by the screen tests: axe-core on the page as it is (zero serious or critical
// violations) and no horizontal overflow of the page itself (a wide table or the board may scroll
// inside its own box).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core in the page (evaluated through the DevTools protocol, so the app's CSP does not apply). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    return axe.run(document, { resultTypes: ['violations'] });
  });
  return result.violations;
}

export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const said = serious.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => JSON.stringify(n.target)).slice(0, 4).join(', ')}`);
  expect(said, `axe on ${screen}`).toEqual([]);
}

/** The page never scrolls sideways: `document.scrollingElement.scrollWidth <= innerWidth`, polled. */
export async function expectNoHorizontalOverflow(page: Page, screen: string): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => ({ scrollWidth: document.scrollingElement?.scrollWidth ?? 0, innerWidth })), { message: `horizontal overflow on ${screen}`, timeout: 5000 })
    .toSatisfy((m: { scrollWidth: number; innerWidth: number }) => m.scrollWidth <= m.innerWidth);
}
