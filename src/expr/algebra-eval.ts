/**
 * Evaluation and assignment of algebraic expression nodes: the operations of `ops.ts`, item and
 * attribute access, slices, calls, method calls, `apply` and `format`.
 * @module
 */
import type { AlgebraNode } from './algebra-types.js';
import type { NodeOf } from './algebra-text.js';
import type { EvalContext } from './context.js';
import { evalExpr } from './evaluate.js';
import { formatTemplate } from './format-spec.js';
import * as access from './item-access.js';
import * as ops from './ops.js';
import { reprValue } from './repr.js';
import { Slice } from '../util/slice.js';

/** What node evaluation needs from the expression classes (they give it, so this module does not import them). */
export interface AlgebraHooks {
  /** The node of a nested algebraic expression. */
  nodeOf: NodeOf;
  /** The function a value stands for in call position (an expression's callee, else the value itself). */
  callee(value: unknown, ctx: EvalContext): unknown;
  /** The container an item or attribute assignment changes (read as it is, never copied). */
  container(value: unknown, ctx: EvalContext): unknown;
}

/** The value of an algebra node. */
export function evaluateNode(node: AlgebraNode, ctx: EvalContext, hooks: AlgebraHooks): unknown {
  // evalExpr is called directly, without a closure: with names kept (tsx), each closure made costs a property definition
  switch (node.kind) {
    case 'unary':
      return ops.unary(node.op, evalExpr(node.a, ctx));
    case 'binary': {
      const a = evalExpr(node.a, ctx);
      return ops.binary(node.op, a, evalExpr(node.b, ctx));
    }
    case 'item': {
      const a = evalExpr(node.a, ctx);
      return access.item(a, evalExpr(node.key, ctx));
    }
    case 'slice':
      return new Slice(sliceBound(node.start, 'start', ctx), sliceBound(node.stop, 'stop', ctx), sliceBound(node.step, 'step', ctx));
    case 'attr':
      return access.attr(evalExpr(node.a, ctx), node.name);
    case 'call': {
      let self: unknown;
      let fn: unknown;
      const fnNode = hooks.nodeOf(node.fn);
      if (fnNode?.kind === 'attr') {
        self = evalExpr(fnNode.a, ctx);
        fn = access.attr(self, fnNode.name);
      } else {
        fn = hooks.callee(node.fn, ctx);
      }
      if (typeof fn !== 'function') throw new TypeError(`${reprValue(node.fn)} is not callable (it is ${fn === null ? 'null' : typeof fn})`);
      return Reflect.apply(
        fn,
        self,
        node.args.map((arg) => evalExpr(arg, ctx)),
      );
    }
    case 'method': {
      const self = evalExpr(node.a, ctx);
      const fn = access.attr(self, node.name);
      if (typeof fn !== 'function') throw new TypeError(`'${node.name}' is not a method of the value (it is ${fn === null ? 'null' : typeof fn})`);
      return Reflect.apply(
        fn,
        self,
        node.args.map((arg) => evalExpr(arg, ctx)),
      );
    }
    case 'apply': {
      const fn = hooks.callee(node.fn, ctx);
      if (typeof fn !== 'function') throw new TypeError(`apply: ${reprValue(node.fn)} is not a function`);
      return Reflect.apply(fn, undefined, [evalExpr(node.a, ctx), ...node.args.map((arg) => evalExpr(arg, ctx))]);
    }
    case 'format': {
      const template = evalExpr(node.template, ctx);
      if (typeof template !== 'string') throw new TypeError(`format: the template must be a string, got ${typeof template}`);
      return formatTemplate(template, evalExpr(node.a, ctx));
    }
  }
}

/** A bound of a slice node: an integer or null. */
function sliceBound(node: unknown, name: string, ctx: EvalContext): number | null {
  const value = evalExpr(node, ctx);
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`slice ${name} must be an integer or null, got ${typeof value}`);
  return value;
}

/** Assigns through an algebra node (only item and attr nodes can be assigned). */
export function assignNode(node: AlgebraNode, value: unknown, ctx: EvalContext, hooks: AlgebraHooks): void {
  if (node.kind === 'item') {
    access.setItem(hooks.container(node.a, ctx), evalExpr(node.key, ctx), value);
  } else if (node.kind === 'attr') {
    access.setAttr(hooks.container(node.a, ctx), node.name, value);
  } else {
    throw new TypeError('assigning a value to an arithmetic expression is not possible (only item and attr expressions can be assigned)');
  }
}
