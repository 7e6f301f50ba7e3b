import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  compilerOptions: {
    runes: true
  },
  kit: {
    // Registered by OfflineSupport.svelte once the first page has settled
    // (src/lib/offline/register-worker.ts), not on `load`.
    serviceWorker: { register: false },
    // The production entry (entries/main.ts) imports build/handler.js and adds the
    // websocket endpoint on the same port; adapter-node's own index.js is unused.
    adapter: adapter({ out: 'build', precompress: true }),
    // Cross-site form posts are refused by our own origin check (src/lib/server/auth/csrf.ts,
    // first step of hooks.server.ts), which answers the API in its JSON error shape and lets
    // `Authorization: Bearer` scripts through; SvelteKit's built-in check is off for that.
    csrf: { trustedOrigins: ['*'] },
    // Scripts only from our origin; SvelteKit adds hashes/nonces for its inline bootstrap.
    csp: {
      mode: 'auto',
      directives: {
        'script-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'frame-ancestors': ['none'],
        'form-action': ['self'],
        // The service worker (src/service-worker.ts) and the web app manifest come from us.
        'worker-src': ['self'],
        'manifest-src': ['self']
      }
    }
  }
};

export default config;
