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
              group: ['$lib/server/*', '**/server/**', '**/sync-server/**'],
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
    // The sync server is framework-free: it may use src/lib/shared and framework-free server code.
    files: ['sync-server/**', 'server/**', 'src/lib/server/**'],
    ignores: ['src/lib/server/api/**', 'src/lib/server/board/**', 'src/lib/server/workspaces/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...frameworkImports,
            {
              group: ['**/routes/**', '$lib/components/*'],
              message: 'no UI code on the server core'
            }
          ]
        }
      ]
    }
  },
  {
    // Static security lint of the code that runs on the server: eslint-plugin-security's
    // recommended rules, as errors. Each suppression in the code says why it is safe.
    files: [
      'server/**',
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
  },
  {
    // Library code never imports routes.
    files: ['src/lib/**'],
    ignores: ['src/lib/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/routes/**'], message: 'routes import lib, never the reverse' }] }
      ]
    }
  }
);
