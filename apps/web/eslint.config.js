import reactHooks from 'eslint-plugin-react-hooks';
import root from '../../eslint.config.js';

const { recommended } = reactHooks.configs.flat;

/** The repository's rules plus React's hook rules, every recommended one an error (a warning is ignored in CI). */
export default [
  ...root,
  {
    files: ['**/*.{ts,tsx}'],
    ...recommended,
    rules: Object.fromEntries(Object.keys(recommended.rules).map((rule) => [rule, 'error'])),
  },
];
