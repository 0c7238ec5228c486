/**
 * The text of algebraic expressions, e.g. `V('loss') + B('size') * 2`: Python's operator precedence
 * decides where parentheses go.
 * @module
 */
import type { AlgebraNode } from './algebra-types.js';
import { opSymbol, type BinaryOp } from './ops.js';
import { reprValue } from './repr.js';

/** The node of an algebraic expression, or undefined for any other value (given by the expression classes). */
export type NodeOf = (value: unknown) => AlgebraNode | undefined;

const precedence: Record<BinaryOp, number> = {
  pow: 14,
  mul: 12,
  div: 12,
  floorDiv: 12,
  mod: 12,
  add: 11,
  sub: 11,
  lshift: 10,
  rshift: 10,
  and: 9,
  xor: 8,
  or: 7,
  eq: 6,
  ne: 6,
  lt: 6,
  le: 6,
  gt: 6,
  ge: 6,
  is: 6,
  isNot: 6,
};
const ATOM = 16;

function nodePrecedence(value: unknown, nodeOf: NodeOf): number {
  const node = nodeOf(value);
  if (node === undefined) return ATOM;
  if (node.kind === 'binary') return precedence[node.op];
  if (node.kind === 'unary' && (node.op === 'neg' || node.op === 'pos' || node.op === 'invert')) return 13;
  if (node.kind === 'unary' && node.op === 'not') return 5;
  return ATOM;
}

function wrap(value: unknown, minimum: number, nodeOf: NodeOf): string {
  const text = reprValue(value);
  return nodePrecedence(value, nodeOf) < minimum ? `(${text})` : text;
}

function argsText(args: readonly unknown[]): string {
  return args.map(reprValue).join(', ');
}

/** `start:stop:step` of a slice node. */
export function sliceNodeText(node: Extract<AlgebraNode, { kind: 'slice' }>): string {
  const part = (v: unknown): string => (v === null || v === undefined ? '' : reprValue(v));
  return `${part(node.start)}:${part(node.stop)}${node.step === null || node.step === undefined ? '' : `:${part(node.step)}`}`;
}

/** The text of an algebra node; `nodeOf` finds the nodes of nested algebraic expressions. */
export function algebraText(node: AlgebraNode, nodeOf: NodeOf): string {
  switch (node.kind) {
    case 'unary': {
      if (node.op === 'abs' || node.op === 'str') return `${node.op}(${reprValue(node.a)})`;
      if (node.op === 'not') return `not ${wrap(node.a, 5, nodeOf)}`;
      return `${{ neg: '-', pos: '+', invert: '~' }[node.op]}${wrap(node.a, 13, nodeOf)}`;
    }
    case 'binary': {
      const p = precedence[node.op];
      const rightAssoc = node.op === 'pow';
      return `${wrap(node.a, rightAssoc ? p + 1 : p, nodeOf)} ${opSymbol(node.op)} ${wrap(node.b, rightAssoc ? p : p + 1, nodeOf)}`;
    }
    case 'item': {
      const keyNode = nodeOf(node.key);
      const key = keyNode?.kind === 'slice' ? sliceNodeText(keyNode) : reprValue(node.key);
      return `${wrap(node.a, ATOM, nodeOf)}[${key}]`;
    }
    case 'slice':
      return `slice(${sliceNodeText(node)})`;
    case 'attr':
      return `${wrap(node.a, ATOM, nodeOf)}.${node.name}`;
    case 'call':
      return `${wrap(node.fn, ATOM, nodeOf)}(${argsText(node.args)})`;
    case 'method':
      return `${wrap(node.a, ATOM, nodeOf)}.${node.name}(${argsText(node.args)})`;
    case 'apply':
      return `${reprValue(node.fn)}(${argsText([node.a, ...node.args])})`;
    case 'format':
      return `${reprValue(node.template)}.format(${reprValue(node.a)})`;
  }
}
