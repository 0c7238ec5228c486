/** Target names, their aliases, and the check that turns user input into a canonical name. */
import { UnknownTargetError } from '../errors.js';

/** Canonical names of the parallel engines. */
export type TargetName = 'for' | 'threads' | 'mpc' | 'async';
/** A target as users may write it: a canonical name or its one-letter alias. */
export type Target = TargetName | 'f' | 't' | 'm' | 'a';

const aliases: Readonly<Record<Target, TargetName>> = {
  for: 'for',
  f: 'for',
  threads: 'threads',
  t: 'threads',
  mpc: 'mpc',
  m: 'mpc',
  async: 'async',
  a: 'async',
};

/** Every accepted spelling, for error messages and docs. */
export const validTargets: readonly Target[] = Object.keys(aliases) as Target[];

/** The canonical engine name for `target`; throws {@link UnknownTargetError} otherwise. */
export function resolveTarget(target: unknown): TargetName {
  if (typeof target === 'string' && Object.prototype.hasOwnProperty.call(aliases, target)) return aliases[target as Target];
  throw new UnknownTargetError(target, validTargets);
}
