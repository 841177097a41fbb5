/**
 * The shared behavioural cases (src/languages/conformance.ts) for a new language: write each case's source in the
 * language and the edges it must give, or skip it with the reason the language cannot express it. A `TODO` skip
 * fails the suite, so a copy of this file cannot be registered as is.
 */
import type { ConformanceSuite, SkippedCase } from '../conformance.js';

const todo: SkippedCase = { skip: 'TODO: write this case in the new language' };

export const conformance: ConformanceSuite = {
  'imported-function': todo,
  'same-file-function': todo,
  'method-through-self': todo,
  'constructor-call': todo,
  'inherited-method': todo,
  'field-of-declared-type': todo,
  'typed-local': todo,
  'typed-parameter': todo,
  'external-call': todo,
  'builtin-call': todo,
  'test-through-setup-hook': todo,
  'nested-callback': todo,
  'same-named-nested-definitions': todo,
};
