// Vite build of the web app: React, and a generated service worker that precaches the shell and keeps
// the collaboration list (and each opened collaboration's metadata) readable offline.
import { defineConfig } from 'vite';
import type { PluginOption } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';

const backend = process.env['TRELLIS_DEV_BACKEND'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  // The plugins' types come from the workspace root's (newer) vite; at runtime they run on this one.
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: false,
      includeAssets: ['icon.svg'],
      manifest: {
        name: 'Trellis',
        short_name: 'Trellis',
        description: 'Local-first collaboration',
        theme_color: '#2f6f4f',
        background_color: '#f7f8f6',
        display: 'standalone',
        start_url: '/',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//, /^\/sync/, /^\/metrics/],
        clientsClaim: true,
        skipWaiting: true,
        cleanupOutdatedCaches: true,
        runtimeCaching: [
          {
            // The list and each collaboration's metadata: fresh when online, cached when not.
            urlPattern: /\/api\/collaborations(\/[A-Za-z0-9_-]+)?(\?.*)?$/,
            method: 'GET',
            handler: 'NetworkFirst',
            options: {
              cacheName: 'trellis-api-collaborations',
              networkTimeoutSeconds: 4,
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 200, maxAgeSeconds: 30 * 24 * 3600 },
              plugins: [
                {
                  // One cache entry per signed-in user (the token's `sub`), so someone else signing in on
                  // this browser never gets the previous user's list. Serialized into sw.js: self-contained.
                  cacheKeyWillBeUsed: async ({ request }) => {
                    let sub = 'anonymous';
                    try {
                      const payload = (request.headers.get('Authorization') ?? '').split(' ')[1]?.split('.')[1] ?? '';
                      const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown };
                      if (typeof claims.sub === 'string') sub = claims.sub;
                    } catch {
                      // no or unreadable token: the anonymous key
                    }
                    const url = new URL(request.url);
                    url.searchParams.set('__user', sub);
                    return url.href;
                  },
                },
              ],
            },
          },
        ],
      },
    }),
  ] as unknown as PluginOption[],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 900 },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: true },
      '/sync': { target: backend.replace(/^http/, 'ws'), ws: true },
    },
  },
});
