import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import security from 'eslint-plugin-security';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** Imports that framework-free code must never reach for. */
const frameworkImports = [
  { group: ['$app/*', '@sveltejs/kit', '@sveltejs/kit/*'], message: 'no SvelteKit here' }
];

/** UI code, which no server code imports. */
const uiImports = [
  { group: ['**/routes/**', '$lib/components/*'], message: 'no UI code on the server' }
];

/**
 * The server's SvelteKit-aware layer (request events, cookies, JSON responses), kept visible in
 * file names; everything else on the server must not import SvelteKit.
 */
const sveltekitLayer = ['src/lib/server/api/**', 'src/lib/server/**/*-api.ts'];

export default ts.config(
  {
    ignores: [
      'build/',
      '.svelte-kit/',
      'node_modules/',
      'data/',
      'test-results/',
      'playwright-report/',
      'bench/results/',
      '.exp/'
    ]
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  prettier,
  ...svelte.configs.prettier,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      'no-undef': 'off'
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts', '**/*.svelte.js'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        extraFileExtensions: ['.svelte'],
        parser: ts.parser,
        svelteConfig
      }
    }
  },
  {
    // Runs in the browser and on the server: no server code, no framework, no Node built-ins.
    files: ['src/lib/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...frameworkImports,
            {
              group: ['$lib/server/*', '**/server/**', '**/entries/**', '**/sync-server/**'],
              message: 'shared code imports no server code'
            },
            {
              group: ['$lib/sync/*', '$lib/components/*', '**/routes/**'],
              message: 'shared code imports no UI code'
            },
            { group: ['node:*'], message: 'shared code runs in the browser too' }
          ]
        }
      ]
    }
  },
  {
    // The server core is framework-free: the process entries and the composition root
    // (entries/), and everything in src/lib/server except its SvelteKit-aware REST layer
    // (below). Each file gets exactly one `no-restricted-imports` block: in a flat config a
    // later block for the same rule replaces an earlier one, it does not add to it.
    files: ['entries/**', 'src/lib/server/**'],
    ignores: sveltekitLayer,
    rules: {
      'no-restricted-imports': ['error', { patterns: [...frameworkImports, ...uiImports] }]
    }
  },
  {
    // The sync core depends on nothing of the app: only src/lib/shared, its own files and
    // libraries. The app hands it what it needs (logger, storage, hooks) in the composition root.
    files: ['sync-server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...frameworkImports,
            ...uiImports,
            {
              group: [
                '$lib/server/*',
                '**/src/lib/server/**',
                '**/entries/**',
                '**/server/**',
                '!**/sync-server/**'
              ],
              message: 'the sync core imports nothing from the app server'
            }
          ]
        }
      ]
    }
  },
  {
    // The SvelteKit-aware layer of the server, visible in file names: the REST conventions in
    // src/lib/server/api/ and each domain's `<domain>-api.ts`.
    files: sveltekitLayer,
    rules: { 'no-restricted-imports': ['error', { patterns: uiImports }] }
  },
  {
    // Browser-side library code (components, sync, board state) never imports routes.
    files: ['src/lib/**'],
    ignores: ['src/lib/shared/**', 'src/lib/server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/routes/**'], message: 'routes import lib, never the reverse' }] }
      ]
    }
  },
  {
    // Static security lint of the code that runs on the server: eslint-plugin-security's
    // recommended rules, as errors. Each suppression in the code says why it is safe.
    files: [
      'entries/**',
      'sync-server/**',
      'src/lib/server/**',
      'src/hooks.server.ts',
      'scripts/**'
    ],
    plugins: { security },
    rules: {
      ...Object.fromEntries(
        Object.keys(security.configs.recommended.rules).map((rule) => [rule, 'error'])
      ),
      // Off: it flags every `object[key]`, typed or not (48 hits, none reachable with a key
      // from outside: request input is parsed by zod into typed values before it is used).
      // Prototype pollution is guarded where input becomes an object: zod strips unknown keys.
      'security/detect-object-injection': 'off'
    }
  },
  {
    // Build and maintenance scripts read and write paths of the checkout, never request input.
    files: ['scripts/**'],
    rules: { 'security/detect-non-literal-fs-filename': 'off' }
  }
);
