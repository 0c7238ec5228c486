/**
 * Whether an item function can observe the `this` it is called with. Worker engines rebuild the batch
 * as `this` on the worker for every chunk (its class from its module, its ids, its attributes); a
 * function whose source text never says `this`, `super` or `eval` cannot see it, so worker engines skip
 * that work for it. A function whose source is not available (a bound or native function) is taken to
 * use it. The answer is kept per function.
 * @module
 */

/** The words through which a function reaches the `this` of its call. */
const thisWords = /\b(?:this|super|eval)\b/;

const answers = new WeakMap<object, boolean>();

function sourceMentionsThis(fn: object): boolean {
  let source: string;
  try {
    source = Function.prototype.toString.call(fn);
  } catch {
    return true;
  }
  return source.includes('[native code]') || thisWords.test(source);
}

/** False only when `fn` certainly never reads the `this` it is called with (see the module docs). */
export function mayUseThis(fn: object): boolean {
  let answer = answers.get(fn);
  if (answer === undefined) {
    answer = sourceMentionsThis(fn);
    answers.set(fn, answer);
  }
  return answer;
}
