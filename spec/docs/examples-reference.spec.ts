/**
 * The generated action reference covers the example classes (issue #6): every decorated action of
 * each example Batch class, with its merged defaults and summary, next to the inherited Batch actions.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { buildActionReference, type ActionReference, type ClassDoc } from '../../src/docs/index.js';
import * as demo from '../../examples/demo.js';
import * as augment from '../../examples/augment-images.js';
import * as tabular from '../../examples/tabular-csv.js';
import * as files from '../../examples/files-blosc.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const modules = [
  { path: fileURLToPath(new URL('../../examples/demo.ts', import.meta.url)), exports: demo },
  { path: fileURLToPath(new URL('../../examples/augment-images.ts', import.meta.url)), exports: augment },
  { path: fileURLToPath(new URL('../../examples/tabular-csv.ts', import.meta.url)), exports: tabular },
  { path: fileURLToPath(new URL('../../examples/files-blosc.ts', import.meta.url)), exports: files },
];
let reference: ActionReference;

beforeAll(async () => {
  reference = await buildActionReference(modules, { root });
}, 60_000);

function classDoc(name: string): ClassDoc {
  const found = reference.classes.find((cls) => cls.name === name);
  if (!found) throw new Error(`${name} is missing from the reference (classes: ${reference.classes.map((cls) => cls.name).join(', ')})`);
  return found;
}

function defaults(cls: string, action: string): Record<string, string> {
  const doc = classDoc(cls).actions.find((entry) => entry.name === action);
  if (!doc) throw new Error(`${cls}.${action} is missing`);
  return Object.fromEntries(doc.defaults.map((entry) => [entry.name, `${entry.display} @ ${entry.from}`]));
}

describe('action reference of the example classes', () => {
  test('every example class is documented with its own actions and the inherited Batch actions', () => {
    const expected: Record<string, string[]> = {
      ShapesBatch: ['flip', 'noise', 'normalize'],
      AugmentBatch: ['flip', 'rotate', 'smooth', 'noise'],
      TabularBatch: ['standardize', 'predict'],
      ScanBatch: ['brightFraction'],
    };
    for (const [cls, own] of Object.entries(expected)) {
      const doc = classDoc(cls);
      const names = doc.actions.map((entry) => entry.name);
      for (const action of own) expect(names).toContain(action);
      for (const inherited of ['load', 'dump', 'applyParallel', 'toArray']) {
        expect(doc.actions.find((entry) => entry.name === inherited)?.inherited).toBe(true);
      }
      expect(doc.actions.filter((entry) => own.includes(entry.name)).every((entry) => !entry.inherited && entry.summary !== undefined)).toBe(true);
    }
  });

  test('merged defaults name their source level', () => {
    expect(defaults('ShapesBatch', 'flip')).toEqual({
      src: "tuple('images', 'masks') @ @applyParallel", dst: 'null @ Batch.applyDefaults', post: "'_assemble' @ Batch.applyDefaults", target: "'for' @ Batch.applyDefaults",
    });
    expect(defaults('AugmentBatch', 'rotate')).toMatchObject({ src: "'images' @ @applyParallel", dst: "['images', 'angles'] @ @applyParallel", requiresRng: 'true @ @applyParallel' });
    expect(defaults('ScanBatch', 'brightFraction')).toMatchObject({ src: "'images' @ @applyParallel", dst: "'bright' @ @applyParallel" });
    expect(classDoc('ShapesBatch').actions.find((entry) => entry.name === 'normalize')?.kind).toBe('action');
  });
});
