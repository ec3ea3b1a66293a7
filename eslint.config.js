// Lint rules. The dependency direction of the project is checked by eslint/boundaries.js:
// wire/ imports nothing of ours, broker/ imports only wire/, reporters import only the result model,
// other folders reach broker/ only through broker/index.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from './eslint/boundaries.js';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'coverage/**', 'bin/**', '**/*.js', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': 'off',
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Layers and public modules: eslint/boundaries.js lists what each folder may import.
    files: ['harness/**/*.ts', 'broker/**/*.ts', 'wire/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    plugins: { boundaries },
    rules: {
      'boundaries/layers': 'error',
      'boundaries/public-module': 'error',
      'boundaries/via-index': 'warn',
    },
  },
  {
    // Size limits: warnings; each file or function over them says why in a comment above it.
    files: ['harness/**/*.ts', 'broker/**/*.ts', 'wire/**/*.ts'],
    rules: {
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['warn', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
