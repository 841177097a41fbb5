import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '**/fixtures/**', 'bench/.corpora/', 'bench/.work/', 'eval/.corpora/', 'test-artifacts/'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `import ts = require('typescript')`: loading its 9 MB CommonJS build through the ESM loader costs ~0.7 s.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^typescript$'] }],
    },
  },
);
