// Where a worker thread's code is, from source or from the compiled bundle (scripts/build-server.ts).
// Compiled, each thread entry is its own bundle beside the process's (dist/<name>.js). From source,
// the thread registers tsx's loader for itself, then imports the TypeScript entry.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * @param callerUrl the `import.meta.url` of the module that starts the thread
 * @param sourceEntry the thread's TypeScript entry, relative to the caller (`./x-entry.ts`)
 * @param bundleName the entry's bundle in dist/ (`x.js`)
 */
export function threadEntryUrl(callerUrl: string, sourceEntry: string, bundleName: string): URL {
  if (!callerUrl.endsWith('.ts')) return new URL(`./${bundleName}`, callerUrl);
  const tsxApi = pathToFileURL(createRequire(callerUrl).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const entry = new URL(sourceEntry, callerUrl).href;
  const bootstrap = `import { register } from ${JSON.stringify(tsxApi)}; register(); await import(${JSON.stringify(entry)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}
