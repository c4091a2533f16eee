// Part of the web app's build (`npm run build -w client`, after `vite build`): writes a Brotli (.br)
// and a gzip (.gz) copy beside every text asset of client/dist, at the highest levels, once, so the
// server only picks a file by Accept-Encoding (server/src/http/web-app.ts) and never compresses per
// request. A copy that would not be smaller is not written.
//   node --import tsx scripts/precompress.ts <dir>
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const TEXT = /\.(?:js|mjs|css|html|svg|json|webmanifest|txt)$/;

export interface Compressed {
  file: string;
  raw: number;
  gzip: number | null;
  brotli: number | null;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

export function precompress(dir: string): Compressed[] {
  const out: Compressed[] = [];
  for (const file of files(dir)) {
    if (!TEXT.test(file)) continue;
    const raw = readFileSync(file);
    const br = brotliCompressSync(raw, {
      params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY, [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_SIZE_HINT]: raw.length },
    });
    const gz = gzipSync(raw, { level: constants.Z_BEST_COMPRESSION });
    const entry: Compressed = { file, raw: raw.length, gzip: null, brotli: null };
    if (br.length < raw.length) {
      writeFileSync(`${file}.br`, br);
      entry.brotli = br.length;
    }
    if (gz.length < raw.length) {
      writeFileSync(`${file}.gz`, gz);
      entry.gzip = gz.length;
    }
    out.push(entry);
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = resolve(process.argv[2] ?? 'dist');
  const done = precompress(dir);
  const sum = (k: 'raw' | 'gzip' | 'brotli') => done.reduce((n, c) => n + (c[k] ?? c.raw), 0);
  process.stdout.write(`precompressed ${done.length} files in ${dir}: ${sum('raw')} B raw, ${sum('gzip')} B gzip, ${sum('brotli')} B brotli\n`);
}
