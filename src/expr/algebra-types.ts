/**
 * Types of the expression algebra: the result types of its methods and the nodes of algebraic expressions.
 * @module
 */
import type { BinaryOp, UnaryOp } from './ops.js';

/** Result of `add`: number + number → number, string + string → string, else unknown (arrays work elementwise). */
export type AddResult<T> = [T] extends [number] ? number : [T] extends [string] ? string : unknown;
/** Result of arithmetic: number → number, else unknown. */
export type NumericResult<T> = [T] extends [number] ? number : unknown;
/** Result of comparisons: scalar → boolean, else unknown (arrays compare elementwise). */
export type CompareResult<T> = [T] extends [number | string | boolean | bigint | null | undefined] ? boolean : unknown;
/** Result of `item`: the element type of arrays, else unknown. */
export type ItemResult<T> = [T] extends [readonly (infer E)[]] ? E : [T] extends [string] ? string : unknown;

/** A function of the value (its parameter is checked bivariantly, so `(a: number[]) => …` fits an untyped expression). */
export type Callback<T, R> = { bivarianceHack(value: T, ...args: never[]): R }['bivarianceHack'];

/** The node of an algebraic expression. */
export type AlgebraNode =
  | { kind: 'unary'; op: UnaryOp; a: unknown }
  | { kind: 'binary'; op: BinaryOp; a: unknown; b: unknown }
  | { kind: 'item'; a: unknown; key: unknown }
  | { kind: 'slice'; start: unknown; stop: unknown; step: unknown }
  | { kind: 'attr'; a: unknown; name: string }
  | { kind: 'call'; fn: unknown; args: readonly unknown[] }
  | { kind: 'method'; a: unknown; name: string; args: readonly unknown[] }
  | { kind: 'apply'; a: unknown; fn: unknown; args: readonly unknown[] }
  | { kind: 'format'; a: unknown; template: unknown };
