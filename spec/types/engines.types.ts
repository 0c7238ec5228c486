/**
 * Compile-only type tests of the engine helpers (`registerErrorClass`) and of target names extended
 * by declaration merging. Checked by `tsc -p . --noEmit` (part of `npm test`); nothing here runs at import.
 */
import { Batch, applyParallel, registerErrorClass, type Engine, type ParallelDecoratorOptions, type Target, type TargetName } from '../../src/index.js';

declare module '../../src/index.js' {
  interface EngineRegistry {
    myEngine: true;
    me: 'myEngine';
  }
}

export function targetChecks(engine: Engine): void {
  const custom: Target = 'myEngine';
  const alias: Target = 'me';
  const builtIn: Target = 't';
  const canonical: TargetName = 'myEngine';
  // @ts-expect-error: an alias is not a canonical name
  const notCanonical: TargetName = 'me';
  // @ts-expect-error: a name nobody registered in EngineRegistry
  const unknown: Target = 'nope';
  const options: ParallelDecoratorOptions = { target: 'myEngine' };
  // @ts-expect-error: a misspelled target in action options
  const wrong: ParallelDecoratorOptions = { target: 'myEngin' };
  const name: string = engine.name;
  void [custom, alias, builtIn, canonical, notCanonical, unknown, options, wrong, name];

  class Custom extends Batch {
    static override components = ['x'] as const;
    @applyParallel({ src: 'x', target: 'myEngine' })
    inc(item: number): number {
      return item + 1;
    }
  }
  const batch = new Custom(1);
  void batch.actions.inc({ target: 'me' });
  // @ts-expect-error: unknown target in a typed action call
  void batch.actions.inc({ target: 'nope' });
}

export function typeChecks(): void {
  class QuotaError extends Error {
    constructor(
      message: string,
      readonly code: number,
    ) {
      super(message);
    }
  }
  const same: typeof QuotaError = registerErrorClass(QuotaError);
  void same;
  registerErrorClass(QuotaError, 'Quota');
  class NotAnError {
    code = 1;
  }
  // @ts-expect-error: a class whose instances are not Errors
  registerErrorClass(NotAnError);
  // @ts-expect-error: the name is a string
  registerErrorClass(QuotaError, 42);
}
