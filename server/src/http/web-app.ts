// The built web app (client/dist) on the server's port: the Brotli or gzip copy written at build time
// (scripts/precompress.ts) chosen by Accept-Encoding, with `Vary: Accept-Encoding`; fingerprinted
// assets cached for a year as immutable, the shell and the service worker revalidated on every load
// (or browsers keep an old app after a deploy); client-side routes answered with the shell.
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';

export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** Vite's output: `assets/<name>-<content hash>.<ext>`; a changed file gets a new name. */
const FINGERPRINTED = /^\/assets\/.+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/;
/** The shell, the service worker and what it loads by a fixed name, the manifest. */
const REVALIDATE = /(^|\/)(index\.html|sw\.js|workbox-[^/]*\.js|registerSW\.js|manifest\.webmanifest)$/;

export function cacheControlFor(urlPath: string): string {
  if (REVALIDATE.test(urlPath)) return 'no-cache';
  if (FINGERPRINTED.test(urlPath)) return IMMUTABLE;
  return 'public, max-age=3600';
}

export type Coding = 'br' | 'gzip' | 'identity';

/**
 * The coding to send, from an Accept-Encoding header and the copies that exist: Brotli over gzip
 * over none when the client accepts several (browsers list gzip first; order is not preference),
 * anything with q=0 excluded, `*` standing for codings not named.
 */
export function chooseCoding(header: string | undefined, available: { br: boolean; gzip: boolean }): Coding {
  if (!header) return 'identity';
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  const accepts = (coding: string) => (q.get(coding) ?? q.get('*') ?? 0) > 0;
  if (available.br && accepts('br')) return 'br';
  if (available.gzip && (accepts('gzip') || accepts('x-gzip'))) return 'gzip';
  return 'identity';
}

interface Variants {
  br: boolean;
  gzip: boolean;
}

/** Every file of the build by URL path, with the compressed copies beside it. */
function scan(dir: string, prefix = ''): Map<string, Variants> {
  const found = new Map<string, Variants>();
  const names = new Set(readdirSync(dir));
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      for (const [k, v] of scan(path, `${prefix}/${name}`)) found.set(k, v);
    } else if (!name.endsWith('.br') && !name.endsWith('.gz')) {
      found.set(`${prefix}/${name}`, { br: names.has(`${name}.br`), gzip: names.has(`${name}.gz`) });
    }
  }
  return found;
}

export function serveWebApp(app: Express, dir: string): void {
  // Only paths of files that existed at start are looked up here, so a request path never reaches
  // the file system; files added by a later rebuild are still served (uncompressed) by express.static.
  const files = scan(dir);

  const send = (req: Request, res: Response, next: NextFunction, urlPath: string): void => {
    const variants = files.get(urlPath);
    if (!variants) return next();
    const coding = chooseCoding(req.headers['accept-encoding'], variants);
    res.vary('Accept-Encoding');
    res.setHeader('Cache-Control', cacheControlFor(urlPath));
    const suffix = coding === 'br' ? '.br' : coding === 'gzip' ? '.gz' : '';
    if (suffix) {
      res.setHeader('Content-Encoding', coding);
      res.type(extname(urlPath));
    }
    res.sendFile(join(dir, urlPath + suffix), { cacheControl: false, dotfiles: 'allow' }, (err) => {
      if (!err || res.headersSent) return;
      // Gone since start (a rebuild): let the static handler or the fallback answer.
      res.removeHeader('Content-Encoding');
      res.removeHeader('Content-Type');
      next();
    });
  };

  app.use((req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    let path: string;
    try {
      path = decodeURIComponent(req.path);
    } catch {
      return next();
    }
    send(req, res, next, path.endsWith('/') ? `${path}index.html` : path);
  });
  app.use(
    express.static(dir, {
      index: 'index.html',
      cacheControl: false,
      setHeaders: (res, path) => res.setHeader('Cache-Control', cacheControlFor(path.slice(dir.length).replaceAll('\\', '/'))),
    }),
  );
  // Client-side routes get the shell; a missing hashed asset is a 404, not the shell served as code.
  app.get(/^\/(?!api\/|sync\/|metrics$|assets\/).*/, (req, res, next) => send(req, res, next, '/index.html'));
}
