// Lint: TypeScript rules, React's hook rules, the layer table (scripts/eslint-layers.mjs) and no import cycles.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import { layersPlugin } from './scripts/eslint-layers.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { onboard: layersPlugin },
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
    // Product code: the layer table, and no cycles (type-only imports count: they tie modules together too).
    files: ['src/**/*.ts', 'renderer/**/*.{ts,tsx}'],
    rules: { 'onboard/layers': 'error', 'onboard/no-cycle': 'error' },
  },
  {
    // node-forge only where nothing else can do the job: RC2 in legacy PKCS#12 files.
    files: ['src/**/*.ts'],
    ignores: ['src/core/pki/pkcs12/rc2.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node-forge', 'node-forge/*'],
              message:
                'node-forge lives in src/core/pki/pkcs12/rc2.ts only (RC2); read and write DER with src/core/pki/der.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: { ...reactHooks.configs.recommended.rules },
  },
);
