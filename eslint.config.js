import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', '.data/', 'coverage/', '**/*.cjs', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      eqeqeq: ['error', 'always'],
    },
  },
  {
    // One error hierarchy (shared/core/errors.ts): what shared/ and functions/ throw says by its class
    // whether a retry can help, so the executor never retries a bug nor rejects a passing outage.
    files: ['shared/**/*.ts', 'functions/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'NewExpression[callee.name=/^(Error|TypeError|RangeError)$/]',
          message:
            'Use a DomainError subclass from shared/core/errors.ts (InvalidArgumentError, ConfigError, InvariantError, TransientError, AdapterError…): it says whether a retry can help.',
        },
        {
          selector: 'ClassDeclaration[superClass.name=/^(Error|TypeError|RangeError)$/]',
          message:
            'Extend DomainError (or one of its subclasses) in shared/core/errors.ts, so the class says whether a retry can help.',
        },
      ],
    },
  },
  {
    // The root of the hierarchy is the one class that extends Error.
    files: ['shared/core/errors.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    // Command-line entry points and benchmarks talk to a person through the console.
    files: ['bin/**', 'bench/**', 'test/**'],
    rules: { 'no-console': 'off' },
  },
);
