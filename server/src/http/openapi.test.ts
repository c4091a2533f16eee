// The OpenAPI document (docs/API.md): every route the app registers is in it, it is a structurally
// valid OpenAPI 3.1 document, and it is served without a token.
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator } from '../auth/authenticator.ts';
import { createHttpApp } from './app.ts';
import type { HttpDeps } from './deps.ts';
import { openApiDocument } from './openapi.ts';
import { startTestApp } from './test-app.ts';
import type { TestApp } from './test-app.ts';

interface RouteLayer { route?: { path: unknown; methods: Record<string, boolean>; stack: { handle: { name: string } }[] } }

/** `METHOD /path/{param}` for every route the app registers, development login included. */
function registeredRoutes(): string[] {
  // Registering routes only closes over the dependencies; none of them is called here.
  const auth = { verify: () => Promise.reject(new Error('unused')), devLogin: () => Promise.reject(new Error('unused')) } as unknown as Authenticator;
  const app = createHttpApp({ auth, isReady: () => true } as unknown as HttpDeps);
  const stack = (app as unknown as { router: { stack: RouteLayer[] } }).router.stack;
  const out = new Set<string>();
  for (const layer of stack) {
    if (!layer.route || typeof layer.route.path !== 'string') continue;
    // app.all('/api/dev/login', notFound) answers 404 where development login is off: no route of its own.
    if (layer.route.stack.every((l) => l.handle.name === 'notFound')) continue;
    const path = layer.route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on) out.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return [...out].sort();
}

function documentedRoutes(): Set<string> {
  const out = new Set<string>();
  for (const [path, item] of Object.entries(openApiDocument().paths ?? {})) {
    for (const method of ['get', 'post', 'put', 'patch', 'delete'] as const) if (item?.[method]) out.add(`${method.toUpperCase()} ${path}`);
  }
  return out;
}

describe('OpenAPI document', () => {
  it('lists every registered Express route', () => {
    const registered = registeredRoutes();
    expect(registered.length).toBeGreaterThan(30);
    const documented = documentedRoutes();
    expect(registered.filter((r) => !documented.has(r))).toEqual([]);
  });

  it('is a structurally valid OpenAPI 3.1 document', async () => {
    const doc = JSON.parse(JSON.stringify(openApiDocument())) as Record<string, unknown>;
    expect(doc['openapi']).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  describe('served', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(async () => {
      await t.close();
    });

    it('at GET /api/openapi.json without a token', async () => {
      const res = await t.call('GET', '/api/openapi.json');
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ openapi: '3.1.0', info: { title: 'Trellis REST API' } });
      expect(Object.keys((res.json as { paths: object }).paths)).toContain('/api/collaborations/{id}/actions/{name}');
    });
  });
});
