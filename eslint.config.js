import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', 'pacts/**', '.nx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'scope:client', onlyDependOnLibsWithTags: ['scope:core'] },
            { sourceTag: 'scope:mock-provider', onlyDependOnLibsWithTags: ['scope:core'] },
            {
              sourceTag: 'scope:cli',
              onlyDependOnLibsWithTags: ['scope:core', 'scope:client', 'scope:mock-provider'],
            },
            {
              sourceTag: 'scope:provider-verifier',
              // The client: the provider is reached with the CLI's credentials (config, signers).
              onlyDependOnLibsWithTags: ['scope:core', 'scope:client', 'scope:mock-provider'],
            },
            { sourceTag: 'scope:contract-tests', onlyDependOnLibsWithTags: ['scope:core', 'scope:client'] },
          ],
        },
      ],
    },
  },
  {
    // Tests may also start the mock provider: STYLE "tests over real loopback HTTP".
    files: ['**/*.spec.ts', '**/test-support/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          allow: [],
          depConstraints: [
            { sourceTag: 'scope:core', onlyDependOnLibsWithTags: [] },
            { sourceTag: '*', onlyDependOnLibsWithTags: ['scope:core', 'scope:client', 'scope:mock-provider', 'scope:cli'] },
          ],
        },
      ],
    },
  },
  {
    // Lines fit a side-by-side diff (issue 19). A string, template literal, URL or regular expression
    // is not broken to fit, nor a Markdown table row of a doc comment.
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      'max-len': [
        'error',
        { code: 140, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true, ignorePattern: '^\\s*\\* \\|' },
      ],
    },
  },
  {
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
);
