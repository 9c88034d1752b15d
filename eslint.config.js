import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Folders a module may not import from, by the runtime it lives in (docs/architecture.md). */
const boundaries = {
  'shared/**/*.ts': ['**/electron/**', '**/renderer/**', 'node:*', 'electron', 'react', 'react-dom'],
  'electron/services/**/*.ts': ['electron', '**/renderer/**', '**/electron/main/**'],
  'electron/host/**/*.ts': ['electron', '**/renderer/**', '**/electron/main/**'],
  'renderer/**/*.{ts,tsx}': ['**/electron/**', 'node:*', 'electron'],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test/fixtures/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  ...Object.entries(boundaries).map(([files, patterns]) => ({
    files: [files],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: patterns.map((group) => ({ group: [group], message: 'crosses a runtime boundary (docs/architecture.md)' })) },
      ],
    },
  })),
  // npm runs postinstall before anything is built and whether or not optional packages installed.
  {
    files: ['scripts/postinstall.mjs'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['*', '!node:*'], message: 'postinstall runs before the build: Node built-ins only' }] },
      ],
    },
  },
  // Playwright reads a fixture's dependencies from its destructuring pattern, so `{}` is required.
  { files: ['test/e2e/**/*.ts'], rules: { 'no-empty-pattern': 'off' } },
  {
    files: ['test/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', { selector: "MemberExpression[property.name='only']", message: 'no .only in tests' }] },
  },
);
