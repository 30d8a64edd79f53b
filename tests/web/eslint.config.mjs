// eslint for the web pages and the tests that drive them, run by the web_lint test from the
// source root (paths below are relative to it), with the modules of tests/web/package.json.
import js from '@eslint/js';
import globals from 'globals';

export default [
  js.configs.recommended,
  {
    files: ['resources/web/**/*.js', 'tests/web/**/*.mjs'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'module', globals: { ...globals.browser, Chart: 'readonly' } },
  },
  {
    files: ['tests/web/**/*.mjs'],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['tests/browser/**/*.cjs'],
    languageOptions: { ecmaVersion: 2023, sourceType: 'commonjs', globals: { ...globals.node, ...globals.browser, Chart: 'readonly' } },
  },
];
