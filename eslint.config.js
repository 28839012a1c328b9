// ESLint (typescript-eslint's recommended rules) for the sources, tests, sandbox and scripts.
// Formatting is Prettier's (npm run lint checks both).
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import globals from 'globals'

export default tseslint.config(
  { ignores: ['dist/', '.test-dist/', 'node_modules/', 'stubs/', 'coverage/', 'reports/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a parameter or binding kept on purpose (a destructured field left out, an unused callback argument).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }
      ],
      // Control characters are what src/text.ts removes: its patterns must name them.
      'no-control-regex': 'off'
    }
  },
  // Tests read arbitrary JSON from the sandbox and the vendors' samples.
  { files: ['__tests__/**'], languageOptions: { globals: { ...globals.jest } }, rules: { '@typescript-eslint/no-explicit-any': 'off' } }
)
