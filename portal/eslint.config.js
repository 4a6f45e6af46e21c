// ESLint for the portal's TypeScript (src/ and vite.config.ts), with type information
// (typescript-eslint's recommended type-checked rules). `npm run lint`; run-tests.sh offline.
//
// Two rules matter most here:
// - no `any` (no-explicit-any) and no unchecked use of an `any` from a library (no-unsafe-*):
//   values from the chain or the network are `unknown` or polkadot.js codec types;
// - no HTML from strings: innerHTML, outerHTML, insertAdjacentHTML and document.write are
//   forbidden, the page is built with DOM calls (src/ui.ts `h`), so text is never markup.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const HTML_SINKS = ['innerHTML', 'outerHTML'];
const noHtml = 'the portal builds DOM nodes (src/ui.ts h, textContent), never HTML from strings';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test/**', 'serve.sh', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['src/**/*.ts', 'vite.config.ts'],
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['vite.config.ts'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Event listeners may be async functions (a click submits a transaction): a rejection
      // is an unhandled rejection, which the browser reports as a page error.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      'no-restricted-properties': [
        'error',
        ...HTML_SINKS.map((property) => ({ property, message: noHtml })),
        { property: 'insertAdjacentHTML', message: noHtml },
        { object: 'document', property: 'write', message: noHtml },
        { object: 'document', property: 'writeln', message: noHtml },
      ],
      'no-restricted-syntax': [
        'error',
        // Also `el['innerHTML']` and `{ innerHTML: … }` (e.g. Object.assign(el, { innerHTML })).
        ...[...HTML_SINKS, 'insertAdjacentHTML'].flatMap((name) => [
          { selector: `MemberExpression[computed=true][property.value='${name}']`, message: noHtml },
          { selector: `Property[key.name='${name}']`, message: noHtml },
        ]),
        { selector: "CallExpression[callee.property.name='createContextualFragment']", message: noHtml },
        { selector: "NewExpression[callee.name='DOMParser']", message: noHtml },
      ],
    },
  },
);
