// Sizes of the built web app (client/dist after `npm run build -w client`): raw, gzip and Brotli bytes
// of the entry chunk (what index.html loads) and of every chunk loaded on demand, as served (the
// precompressed copies of scripts/precompress.ts). Prints a markdown table.
//   node --import tsx bench/bundle-size.ts [dist directory, default client/dist]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = process.argv[2] ? resolve(process.argv[2]) : fileURLToPath(new URL('../client/dist', import.meta.url));
const size = (path: string) => (existsSync(path) ? statSync(path).size : null);
const kb = (n: number | null) => (n === null ? '—' : (n / 1024).toFixed(1));

const html = readFileSync(join(DIST, 'index.html'), 'utf8');
const fromShell = new Set([...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+)"/g)].map((m) => m[1]));
const assets = readdirSync(join(DIST, 'assets')).filter((f) => /\.(js|css)$/.test(f));
const rows = assets
  .map((f) => {
    const path = join(DIST, 'assets', f);
    return { file: f, loaded: fromShell.has(`assets/${f}`) ? 'entry (index.html)' : 'on demand', raw: size(path) ?? 0, gzip: size(`${path}.gz`), brotli: size(`${path}.br`) };
  })
  .sort((a, b) => (a.loaded === b.loaded ? b.raw - a.raw : a.loaded.startsWith('entry') ? -1 : 1));

const lines = ['| chunk | loaded | raw KiB | gzip KiB | brotli KiB |', '| --- | --- | --- | --- | --- |'];
for (const r of rows) lines.push(`| ${r.file.replace(/-[A-Za-z0-9_-]{8,}\./, '.')} | ${r.loaded} | ${kb(r.raw)} | ${kb(r.gzip)} | ${kb(r.brotli)} |`);
const entry = rows.filter((r) => r.loaded !== 'on demand');
const sum = (k: 'raw' | 'gzip' | 'brotli', rs: typeof rows) => rs.reduce((n, r) => n + (r[k] ?? r.raw), 0);
lines.push(`| **loaded at start (JS + CSS)** | | ${kb(sum('raw', entry))} | ${kb(sum('gzip', entry))} | ${kb(sum('brotli', entry))} |`);
process.stdout.write(`${lines.join('\n')}\n`);
