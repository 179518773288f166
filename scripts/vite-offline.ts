// Build step that makes the app work offline: writes sw.js (a service worker that pre-caches
// every file of the build but the large lazy chunks, which it caches on first use) and
// manifest.webmanifest (so the app can be installed).
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Plugin } from 'vite';

/** Every file under public/ (copied into the build as is), as paths relative to it. */
function publicFiles(dir = 'public', root = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? publicFiles(path, root) : [relative(root, path).split('\\').join('/')];
  });
}

/** Built files cached on first use instead of on install. */
const LAZY_ONLY = /plotly/i;

export function offline(): Plugin {
  return {
    name: 'kernel-lab-offline',
    apply: 'build',
    generateBundle(_options, bundle) {
      // Large lazy chunks (plotly) are not pre-cached on the first visit: the service worker
      // caches them the first time a chart loads them, so they work offline from then on.
      const files = Object.keys(bundle).filter((name) => !name.endsWith('.map') && !LAZY_ONLY.test(name));
      const precache = ['./', ...['index.html', 'manifest.webmanifest', ...publicFiles(), ...files].map((f) => `./${f}`)];
      const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 12);
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: serviceWorker(version, [...new Set(precache)]) });
      this.emitFile({
        type: 'asset',
        fileName: 'manifest.webmanifest',
        source: JSON.stringify(
          {
            name: 'Kernel Lab',
            short_name: 'Kernel Lab',
            description: 'Run real GPU kernels in your browser with WebGPU and see what they do.',
            start_url: './',
            scope: './',
            display: 'standalone',
            background_color: '#f7f8fa',
            theme_color: '#0b3d5c',
            icons: [{ src: './favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
          },
          null,
          2,
        ),
      });
    },
  };
}

function serviceWorker(version: string, precache: string[]): string {
  return `// Generated at build time: pre-caches the whole app so it works without a network.
const CACHE = 'kernel-lab-${version}';
const PRECACHE = ${JSON.stringify(precache, null, 2)};

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('kernel-lab-') && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    // The page itself: network first (fresh deploys), the cached copy when offline.
    event.respondWith(fetch(request).catch(() => caches.match('./index.html', { ignoreSearch: true, ignoreVary: true })));
    return;
  }
  // Built files have content hashes in their names: the cache is always right for them. A file
  // not pre-cached (a large lazy chunk) is cached the first time it is fetched.
  event.respondWith(
    caches.match(request, { ignoreSearch: true, ignoreVary: true }).then(
      (hit) =>
        hit ||
        fetch(request).then((response) => {
          if (response.ok && new URL(request.url).pathname.includes('/assets/')) {
            const copy = response.clone();
            event.waitUntil(caches.open(CACHE).then((cache) => cache.put(request, copy)));
          }
          return response;
        }),
    ),
  );
});
`;
}
