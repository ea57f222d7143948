// Lint: TypeScript rules plus the layer rules of docs/architecture.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off',
      // No shell: programs run through execFile with an argv array.
      'no-restricted-properties': [
        'error',
        { object: 'child_process', property: 'exec', message: 'Use execFile with an argv array.' },
        { object: 'child_process', property: 'execSync', message: 'Use execFile with an argv array.' },
      ],
    },
  },
  {
    // Core is plain Node: it never imports Electron, the IPC layer or the renderer.
    files: ['electron/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message: 'electron/core is plain Node; only main.ts, preload.ts and the IPC transport import electron.',
            },
          ],
          patterns: [
            {
              group: ['**/ipc/**', '**/renderer/**', '**/preview/**', '**/cli/**'],
              message: 'Core must not depend on the layers above it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Only these files may import 'electron'.
    files: ['electron/**/*.ts'],
    ignores: [
      'electron/main.ts',
      'electron/preload.ts',
      'electron/window.ts',
      'electron/ipc/electron-transport.ts',
      'electron/core/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'electron',
              message:
                'Only electron/main.ts, preload.ts, window.ts and ipc/electron-transport.ts may import electron.',
            },
          ],
        },
      ],
    },
  },
  {
    // The renderer knows only the contract's types.
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to main only through window.onboard.' }],
          patterns: [
            {
              group: ['**/electron/*', '!**/electron/ipc', '**/electron/**/*', '!**/electron/ipc/contract'],
              message: 'The renderer may import only types from electron/ipc/contract.',
            },
            {
              group: ['**/electron/ipc/contract'],
              allowTypeImports: true,
              message: 'Import only types from the contract: `import type`.',
            },
          ],
        },
      ],
    },
  },
);
