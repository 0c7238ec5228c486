/**
 * The action registry: what `@action`, `@applyParallel` and `@inbatchParallel` record, how
 * subclasses inherit and override records, and which classes are registered.
 */
import { describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { Batch, action, applyParallel, inbatchParallel } from '../../src/index.js';
import { getAction, getActions, getRegisteredClasses, type ResolvedAction } from '../../src/internal.js';
import { findRegisteredClass, getDefiningModule } from '../../src/decorators/registry.js';

const thisFile = fileURLToPath(import.meta.url);

class RegBatch extends Batch {
  static override components = ['x', 'y'] as const;

  @action
  async plain(): Promise<this> {
    return this;
  }

  @action({ useLock: 'shared', noEval: 'expr', summary: 'A locked action.' })
  async locked(): Promise<this> {
    return this;
  }

  @applyParallel({ src: 'x', dst: 'y', scale: 3, summary: 'Scales items.' })
  scaleIt(item: number, options: { scale?: number }): number {
    return item * options.scale!;
  }

  @inbatchParallel({ init: 'indices', post: 'collect', target: 'async' })
  visit(id: number): number {
    return id;
  }

  collect(): this {
    return this;
  }

  /** Not decorated: must not appear in the registry. */
  helper(): number {
    return 1;
  }
}

class SubBatch extends RegBatch {
  @applyParallel({ src: 'y' })
  override scaleIt(item: number): number {
    return item + 1000;
  }

  @action({ noEval: ['a', 'b'] })
  async extra(): Promise<this> {
    return this;
  }
}

/** A subclass with no decorated methods of its own. */
class PlainSubBatch extends SubBatch {}

const ownNames = (cls: Parameters<typeof getActions>[0]): string[] =>
  [...getActions(cls).values()].filter((r: ResolvedAction) => !r.inherited).map((r) => r.name);

describe('records of decorated methods', () => {
  const actions = getActions(RegBatch);

  test('each decorated method of the class is recorded exactly once, in declaration order; undecorated methods are not', () => {
    expect(ownNames(RegBatch)).toEqual(['plain', 'locked', 'scaleIt', 'visit']);
    expect(actions.has('helper')).toBe(false);
    expect(actions.has('collect')).toBe(false);
    expect(getAction(RegBatch, 'helper')).toBeUndefined();
    expect(getAction(RegBatch, 'nope')).toBeUndefined();
  });

  test('@action (bare) record', () => {
    const record = actions.get('plain')!;
    expect(record).toMatchObject({
      name: 'plain',
      kind: 'action',
      className: 'RegBatch',
      definingModule: thisFile,
      innerName: undefined,
      useLock: false,
      noEval: [],
      defaults: {},
      summary: undefined,
      inherited: false,
      overrides: false,
    });
  });

  test('@action with options: useLock name, noEval string → one-element array, summary', () => {
    const record = actions.get('locked')!;
    expect(record).toMatchObject({
      name: 'locked',
      kind: 'action',
      className: 'RegBatch',
      definingModule: thisFile,
      useLock: 'shared',
      noEval: ['expr'],
      summary: 'A locked action.',
      innerName: undefined,
    });
  });

  test('@applyParallel record: kind, defaults (without summary), innerName, original', () => {
    const record = actions.get('scaleIt')!;
    expect(record.kind).toBe('applyParallel');
    expect(record.className).toBe('RegBatch');
    expect(record.definingModule).toBe(thisFile);
    expect(record.innerName).toBe('_scaleIt_');
    expect(record.defaults).toEqual({ src: 'x', dst: 'y', scale: 3 });
    expect(record.summary).toBe('Scales items.');
    expect(record.useLock).toBe(false);
    expect(record.noEval).toEqual([]);
    const inner = (RegBatch.prototype as unknown as Record<string, unknown>)['_scaleIt_'];
    expect(record.original).toBe(inner);
    expect((inner as (x: number, o: { scale: number }) => number)(2, { scale: 5 })).toBe(10);
  });

  test('@inbatchParallel record', () => {
    const record = actions.get('visit')!;
    expect(record).toMatchObject({
      name: 'visit',
      kind: 'inbatchParallel',
      className: 'RegBatch',
      definingModule: thisFile,
      innerName: '_visit_',
      defaults: { init: 'indices', post: 'collect', target: 'async' },
    });
  });

  test('recorded defaults are a frozen copy: later edits of the decorator options object do not leak in', () => {
    const options: Record<string, unknown> = { src: 'x', k: 1 };
    class MutBatch extends Batch {
      static override components = ['x'] as const;
      @applyParallel(options)
      m(item: number): number {
        return item;
      }
    }
    options.k = 2;
    options.extra = true;
    const record = getAction(MutBatch, 'm')!;
    expect(record.defaults).toEqual({ src: 'x', k: 1 });
    expect(Object.isFrozen(record.defaults)).toBe(true);
  });

  test('getAction returns the same data as getActions', () => {
    const record = getAction(RegBatch, 'scaleIt')!;
    expect(record.className).toBe('RegBatch');
    expect(record.kind).toBe('applyParallel');
    expect(record.defaults).toEqual({ src: 'x', dst: 'y', scale: 3 });
  });

  test('the Batch base class actions are inherited (listed first, flagged inherited)', () => {
    const names = [...actions.keys()];
    for (const name of ['addComponents', 'load', 'dump', 'save', 'applyParallel', 'toArray', 'doNothing']) {
      const record = actions.get(name);
      expect(record).toBeDefined();
      expect(record!.className).toBe('Batch');
      expect(record!.inherited).toBe(true);
      expect(record!.overrides).toBe(false);
      expect(names.indexOf(name)).toBeLessThan(names.indexOf('plain'));
    }
    expect(actions.get('toArray')!.kind).toBe('applyParallel');
    expect(actions.get('toArray')!.defaults).toEqual({ dtype: 'float32', channels: 'last' });
    expect(actions.get('getAttrs')).toBeUndefined();
  });
});

describe('inheritance and overriding', () => {
  const sub = getActions(SubBatch);

  test('a subclass inherits the parent records unchanged', () => {
    const record = sub.get('plain')!;
    expect(record).toMatchObject({ name: 'plain', className: 'RegBatch', inherited: true, overrides: false, definingModule: thisFile });
    expect(sub.get('locked')).toMatchObject({ className: 'RegBatch', inherited: true, useLock: 'shared' });
    expect(sub.get('visit')).toMatchObject({ className: 'RegBatch', inherited: true, kind: 'inbatchParallel' });
  });

  test('a re-decorated method overrides the parent record (overrides: true, inherited: false)', () => {
    const record = sub.get('scaleIt')!;
    expect(record).toMatchObject({ className: 'SubBatch', inherited: false, overrides: true, defaults: { src: 'y' } });
    expect(getAction(SubBatch, 'scaleIt')!.className).toBe('SubBatch');
    expect(record.original).toBe((SubBatch.prototype as unknown as Record<string, unknown>)['_scaleIt_']);
    // the parent's record is untouched
    expect(getActions(RegBatch).get('scaleIt')).toMatchObject({ className: 'RegBatch', overrides: false, defaults: { src: 'x', dst: 'y', scale: 3 } });
  });

  test('a new action of the subclass is own and does not override; noEval array kept', () => {
    expect(sub.get('extra')).toMatchObject({ className: 'SubBatch', inherited: false, overrides: false, noEval: ['a', 'b'] });
    expect(getActions(RegBatch).has('extra')).toBe(false);
    expect(ownNames(SubBatch)).toEqual(['scaleIt', 'extra']);
  });

  test('a subclass without decorated methods sees every record as inherited', () => {
    const records = getActions(PlainSubBatch);
    expect(ownNames(PlainSubBatch)).toEqual([]);
    expect(records.get('scaleIt')).toMatchObject({ className: 'SubBatch', inherited: true });
    expect(records.get('plain')).toMatchObject({ className: 'RegBatch', inherited: true });
    expect(records.size).toBe(getActions(SubBatch).size);
  });

  test('the overriding per-item method is the one that runs on the subclass; the parent keeps its own', async () => {
    // The child is built first here: building the parent first trips a separate bug (next test).
    const child = new SubBatch(3, { preloaded: { x: [1, 2, 3], y: [10, 20, 30] } });
    await child.actions.scaleIt();
    expect(columnToList(child.getComponent('y'))).toEqual([1010, 1020, 1030]);
    expect(columnToList(child.getComponent('x'))).toEqual([1, 2, 3]);

    const parent = new RegBatch(3, { preloaded: { x: [1, 2, 3], y: [10, 20, 30] } });
    await parent.actions.scaleIt();
    expect(columnToList(parent.getComponent('y'))).toEqual([3, 6, 9]);
  });

  test('a subclass of a components batch can be instantiated after its parent was', () => {
    class ParentBatch extends Batch {
      static override components = ['p'] as const;
    }
    class ChildBatch extends ParentBatch {}
    const parent = new ParentBatch(2, { preloaded: { p: [1, 2] } });
    expect(columnToList(parent.getComponent('p'))).toEqual([1, 2]);
    const child = new ChildBatch(2, { preloaded: { p: [3, 4] } });
    expect(columnToList((child as unknown as { p: unknown }).p)).toEqual([3, 4]);
  });
});

describe('registered classes', () => {
  test('getRegisteredClasses lists every class with decorated methods of its own, once', () => {
    const classes = getRegisteredClasses();
    for (const cls of [Batch, RegBatch, SubBatch]) expect(classes.filter((c) => c === cls)).toHaveLength(1);
    expect(classes).not.toContain(PlainSubBatch);
  });

  test('a class is found again by defining module and class name (used by worker engines)', () => {
    expect(findRegisteredClass(thisFile, 'RegBatch')).toBe(RegBatch);
    expect(findRegisteredClass(thisFile, 'SubBatch')).toBe(SubBatch);
    expect(findRegisteredClass(thisFile, 'NoSuchBatch')).toBeUndefined();
    expect(findRegisteredClass('/no/such/module.ts', 'RegBatch')).toBeUndefined();
    expect(getDefiningModule(SubBatch)).toBe(thisFile);
  });

  test('a second copy of the registry module in the same process shares the registered classes both ways', async () => {
    // The query string makes the loader evaluate a separate module instance, as a second installed copy of the package would be.
    const copyUrl = new URL('../../src/decorators/registry.ts?copy', import.meta.url).href;
    const copy = (await import(copyUrl)) as typeof import('../../src/decorators/registry.js');
    expect(copy.findRegisteredClass).not.toBe(findRegisteredClass);
    expect(copy.findRegisteredClass(thisFile, 'RegBatch')).toBe(RegBatch);
    expect(copy.getRegisteredClasses()).toContain(SubBatch);

    class CopyBatch extends Batch {
      async copied(): Promise<this> {
        return this;
      }
    }
    copy.registerAction(CopyBatch.prototype, {
      name: 'copied',
      kind: 'action',
      className: 'CopyBatch',
      definingModule: '/copy/module.ts',
      original: CopyBatch.prototype.copied,
      innerName: undefined,
      useLock: false,
      noEval: [],
      defaults: {},
      summary: undefined,
    });
    expect(getRegisteredClasses()).toContain(CopyBatch);
    expect(findRegisteredClass('/copy/module.ts', 'CopyBatch')).toBe(CopyBatch);
    expect(getActions(CopyBatch).has('copied')).toBe(true);
  });
});

function columnToList(column: unknown): unknown[] {
  if (column && typeof column === 'object' && 'shape' in column && 'data' in column) {
    const nd = column as unknown as { shape: number[]; get(i: number): unknown };
    return Array.from({ length: nd.shape[0]! }, (_, i) => nd.get(i));
  }
  return Array.from(column as ArrayLike<unknown>);
}
