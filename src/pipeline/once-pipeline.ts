/**
 * The recorder handed to `pipeline.before(...)` / `pipeline.after(...)`: the steps that make sense
 * once per run, without a batch. Batch steps (actions, `filter`, `discardBatch`, `rebatch`, …) are not
 * members of {@link OncePipeline}, and an untyped call of one is a PipelineError when it is recorded.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { PipelineError } from './errors.js';
import { isNamedExpression } from './expressions.js';
import { withModifier } from './modifiers.js';
import type { PipelineRecord } from './records.js';

/** The steps a once-pipeline (`before` / `after`) can record. */
export interface OncePipeline {
  /** Stores `value` (evaluated without a batch) in `target` (a named expression: `V('total')`). */
  update(target: unknown, value: unknown): OncePipeline;
  /** Same as `update(target, value)`. */
  saveTo(target: unknown, value: unknown): OncePipeline;
  /** Calls `fn(...args)` (arguments evaluated without a batch). */
  call(fn: unknown, ...args: unknown[]): OncePipeline;
  /** Calls `fn(...args)` and stores the result in `saveTo`. */
  callAndSave(saveTo: unknown, fn: unknown, ...args: unknown[]): OncePipeline;
  /** Prints the evaluated arguments. */
  print(...args: unknown[]): OncePipeline;
  /** Waits for the pipeline's lock `name` (released by `releaseLock`, or when the once-pipeline ends). */
  acquireLock(name?: string): OncePipeline;
  /** Releases lock `name` taken by `acquireLock` in this once-pipeline. */
  releaseLock(name?: string): OncePipeline;
  /** Declares variable `name` on the pipeline that `before` / `after` returns (as `pipeline.initVariable`). */
  initVariable(name: string, defaultValue?: unknown): OncePipeline;
  /** Declares several variables: names (default null) or a record `{name: default}`. */
  initVariables(...declarations: Array<string | Record<string, unknown>>): OncePipeline;
  /** Declares a lock variable. */
  initLock(name?: string): OncePipeline;
  /** The steps recorded so far run `times` times (`times` may be an expression). */
  repeat(times: number | unknown): OncePipeline;
  /** The steps recorded so far run with probability `probability` (drawn from the run's pipeline generator). */
  sometimes(probability: number | unknown): OncePipeline;
}

/** What a once-pipeline recorded: its steps, and the variables it declares. */
export interface OnceRecording {
  readonly records: readonly PipelineRecord[];
  readonly variables: ReadonlyArray<readonly [name: string, defaultValue: unknown]>;
}

/** Names probed on any object by runtimes and test tools: they stay undefined instead of refusing. */
const PROBED = new Set(['then', 'toJSON', 'asymmetricMatch', 'nodeType', '$$typeof', 'inspect']);

/** An immutable {@link OncePipeline}: every method returns a new recorder. */
export class OnceRecorder implements OncePipeline {
  constructor(readonly recording: OnceRecording = { records: [], variables: [] }) {
    // untyped callers get a clear error for a batch step instead of "is not a function"
    return new Proxy(this, {
      get(target, property, receiver) {
        if (typeof property === 'symbol' || property in target || PROBED.has(property)) return Reflect.get(target, property, receiver) as unknown;
        return () => {
          throw new PipelineError(
            `'${property}' cannot be recorded in a before/after pipeline: it needs a batch, and before/after run once per run without one; record it in the pipeline itself`,
          );
        };
      },
    });
  }
  private withSteps(records: readonly PipelineRecord[], variables = this.recording.variables): OncePipeline {
    return new OnceRecorder({ records, variables });
  }
  private addStep(record: PipelineRecord): OncePipeline {
    return this.withSteps([...this.recording.records, record]);
  }
  update(target: unknown, value: unknown): OncePipeline {
    if (!isNamedExpression(target)) throw new ArgumentError('target', 'update needs a named expression to store the value in (for example V("total"))');
    return this.addStep({ kind: 'update', target, value });
  }
  saveTo(target: unknown, value: unknown): OncePipeline {
    return this.update(target, value);
  }
  call(fn: unknown, ...args: unknown[]): OncePipeline {
    return this.addStep({ kind: 'call', fn, args, saveTo: undefined });
  }
  callAndSave(saveTo: unknown, fn: unknown, ...args: unknown[]): OncePipeline {
    return this.addStep({ kind: 'call', fn, args, saveTo });
  }
  print(...args: unknown[]): OncePipeline {
    return this.addStep({ kind: 'print', args });
  }
  acquireLock(name = 'lock'): OncePipeline {
    return this.addStep({ kind: 'acquireLock', lock: name });
  }
  releaseLock(name = 'lock'): OncePipeline {
    return this.addStep({ kind: 'releaseLock', lock: name });
  }
  initVariable(name: string, defaultValue: unknown = null): OncePipeline {
    if (typeof name !== 'string' || name === '') throw new ArgumentError('name', 'a variable needs a non-empty name');
    return this.withSteps(this.recording.records, [...this.recording.variables, [name, defaultValue]]);
  }
  initVariables(...declarations: Array<string | Record<string, unknown>>): OncePipeline {
    const named = declarations.flatMap((declaration): Array<[string, unknown]> =>
      typeof declaration === 'string' ? [[declaration, null]] : Object.entries(declaration),
    );
    for (const [name] of named) if (typeof name !== 'string' || name === '') throw new ArgumentError('name', 'a variable needs a non-empty name');
    return this.withSteps(this.recording.records, [...this.recording.variables, ...named]);
  }
  initLock(name = 'lock'): OncePipeline {
    return this.initVariable(name, null);
  }
  repeat(times: number | unknown): OncePipeline {
    return this.withSteps(withModifier(this.recording.records, 'repeat', times));
  }
  sometimes(probability: number | unknown): OncePipeline {
    return this.withSteps(withModifier(this.recording.records, 'probability', probability));
  }
}

/** What `build` records on an empty recorder. */
export function recordOnce(build: (once: OncePipeline) => OncePipeline): OnceRecording {
  const result = build(new OnceRecorder());
  if (!(result instanceof OnceRecorder))
    throw new ArgumentError('build', 'before/after need a function that returns the recorder it was given, with the steps added');
  return result.recording;
}
