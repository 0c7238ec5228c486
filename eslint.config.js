// ESLint (flat config): JavaScript's and typescript-eslint's recommended rules for the library, its
// specs, bench, examples and scripts. Formatting is Prettier's job (.prettierrc.json).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'docs/**', 'node_modules/**', 'coverage/**', 'examples/_doc-blocks/**', 'bench/_scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Node's globals for the plain JavaScript files (TypeScript files are checked by tsc)
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout', 'setImmediate', 'queueMicrotask', 'structuredClone', 'globalThis'].map((name) => [
          name,
          'readonly',
        ]),
      ),
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // `{} extends O` is how the action types tell an all-optional options object from a required one
      '@typescript-eslint/no-empty-object-type': 'off',
      // specs capture `this` of an init function or action as `self` to check what it was
      '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['self'] }],
    },
  },
  {
    // type tests use values only through `typeof` (assertType<Equal<typeof x, ...>>)
    files: ['spec/types/**'],
    rules: { '@typescript-eslint/no-unused-vars': 'off' },
  },
);
