/**
 * Target names: the open table of engine names and aliases, their types (extended by declaration
 * merging), and the check that turns user input into a canonical name. The registry
 * (`registry.ts`) fills the table; this module holds no engine, so decorators can check a target's
 * spelling without loading the engines.
 * @module
 */
import { ArgumentError, UnknownTargetError } from '../errors.js';

/**
 * The engine names the type checker accepts as a `target`. Each key is a spelling; its value is
 * `true` for a canonical engine name, or the canonical name it stands for (an alias). Add your own
 * engines by declaration merging, next to their `registerEngine` call:
 *
 * ```ts
 * declare module 'batchflow-ts' {
 *   interface EngineRegistry { reversed: true; rev: 'reversed' }
 * }
 * ```
 */
export interface EngineRegistry {
  for: true;
  f: 'for';
  threads: true;
  t: 'threads';
  mpc: true;
  m: 'mpc';
  async: true;
  a: 'async';
  auto: true;
}

/** A target as users may write it: a canonical engine name or one of its aliases. */
export type Target = Extract<keyof EngineRegistry, string>;

/** Canonical engine names (the aliases resolved). */
export type TargetName = {
  [K in Target]: EngineRegistry[K] extends string ? EngineRegistry[K] : K;
}[Target];

/** Spelling → canonical name, for every registered engine. */
const spellings = new Map<string, string>();
const listed: string[] = [];

/** Every accepted spelling at this moment (names and aliases, in registration order), for error messages and docs. */
export const validTargets: readonly string[] = listed;

/** Checks that `value` can be an engine name or alias: a non-empty string. */
export function assertTargetSpelling(value: unknown, argument: string): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ArgumentError(argument, `an engine name must be a non-empty string, got ${typeof value === 'string' ? '""' : typeof value}`);
  }
}

/** The canonical name `spelling` stands for, or undefined when nothing is registered under it. */
export function lookupTarget(spelling: string): string | undefined {
  return spellings.get(spelling);
}

/** Points `spelling` at the canonical name `name` (replacing what it pointed at). */
export function setSpelling(spelling: string, name: string): void {
  if (!spellings.has(spelling)) listed.push(spelling);
  spellings.set(spelling, name);
}

/** The canonical engine name for `target`; throws {@link UnknownTargetError} (listing what is registered now) otherwise. */
export function resolveTarget(target: unknown): string {
  const name = typeof target === 'string' ? spellings.get(target) : undefined;
  if (name === undefined) throw new UnknownTargetError(target, [...listed]);
  return name;
}
