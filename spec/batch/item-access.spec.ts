/**
 * Port of BatchFlow's components_test.py (catalogue T58–T87) and its disabled cases (catalogue D1–D40).
 *
 * The reference tests a 7-level chain of storage objects (full → view 12..67 → crop 25..47 → view
 * 32..41 → crop 35..39 → view 37,38 → view 38). Our batches crop their data to batch order and look
 * items up by id; views of views do not exist. The equivalent chain here is made of nested batches:
 * each level is `parent.asDataset(...).createBatch(ids)`, and the last level (`a38`) is the item view
 * `a37_39.get(38)`. Levels are built with `copy: true`, so each batch owns its data: a write goes to
 * the batch it was made on (and its item views), never to the batches or datasets it came from.
 *
 * Sources: `tuple_of_arrays` → `[images, labels]`; `dict_of_arrays` → `{images, labels}`;
 * `dataframe` → a record of columns; `dataframe_with_str_index` → a record with string ids;
 * `advanced_dict` → records keyed by string id (`{images: {'0': 1000, …}, labels: {'0': 100, …}}`).
 * `indices_type`: 'list' → ids in a JS array; 'array' → an Int32Array (numeric ids) or another
 * iterable (a Set of string ids).
 */
import { describe, expect, test } from '@jest/globals';
import { Batch, Dataset, MissingIdError, isNdArray, type IndexValue, type NDArray } from '../../src/index.js';
import { toList, range, nd } from '../helpers/values.js';

const IMAGES = (): NDArray => nd(range(1000, 1100));
const LABELS = (): NDArray => nd(range(100, 200));

/** Writes item `position` of a column in place. */
function setAt(column: unknown, position: number, value: number): void {
  if (isNdArray(column)) column.set(position, value);
  else (column as number[])[position] = value;
}

class CB extends Batch {
  static override components = ['images', 'labels'] as const;
  declare images: NDArray;
  declare labels: NDArray;
}

type SourceName = 'tuple_of_arrays' | 'dict_of_arrays' | 'dataframe' | 'dataframe_with_str_index' | 'advanced_dict';
type IndicesType = 'list' | 'array';

interface Source {
  readonly data: unknown;
  readonly stringIds: boolean;
  /** The array holding the labels in `data` (to check the source is never modified). */
  readonly labelsOf: () => number[];
}

function makeSource(name: SourceName): Source {
  const images = IMAGES();
  const labels = LABELS();
  const list = (): number[] => toList(labels) as number[];
  switch (name) {
    case 'tuple_of_arrays':
      return { data: [images, labels], stringIds: false, labelsOf: list };
    case 'dict_of_arrays':
      return { data: { images, labels }, stringIds: false, labelsOf: list };
    case 'dataframe':
      return { data: { images, labels }, stringIds: false, labelsOf: list };
    case 'dataframe_with_str_index':
      return { data: { images, labels }, stringIds: true, labelsOf: list };
    case 'advanced_dict': {
      const byId = (values: number[]): Record<string, number> => Object.fromEntries(values.map((v, k) => [String(k), v]));
      const data = { images: byId(range(1000, 1100)), labels: byId(range(100, 200)) };
      return { data, stringIds: true, labelsOf: () => range(0, 100).map((k) => data.labels[String(k)]!) };
    }
  }
}

/** Ids for positions `ks` in the requested container type. */
function idsOf(ks: number[], stringIds: boolean, type: IndicesType): Iterable<IndexValue> | ArrayLike<IndexValue> {
  const ids = ks.map((k) => (stringIds ? String(k) : k));
  if (type === 'list') return ids;
  return stringIds ? new Set(ids) : Int32Array.from(ks);
}

interface Chain<B extends Batch> {
  readonly dataset: Dataset<B>;
  readonly levels: ReadonlyArray<readonly [string, B]>;
  readonly full: B;
  readonly a12_68: B;
  readonly a25_48: B;
  readonly a32_42: B;
  readonly a35_40: B;
  readonly a37_39: B;
  /** The item view of id 38 in a37_39. */
  readonly a38: Record<string, unknown>;
  /** A single-item batch of id 38 (the closest thing to the reference's scalar-id storage object). */
  readonly a38batch: B;
  readonly id: (k: number) => IndexValue;
}

function makeChain<B extends Batch>(batchClass: new (...args: never[]) => B, data: unknown, stringIds: boolean, type: IndicesType, copy = true): Chain<B> {
  const ids = (ks: number[]) => idsOf(ks, stringIds, type) as IndexValue[];
  const dataset = new Dataset<B>(ids(range(0, 100)), { batchClass: batchClass as never, preloaded: data, copy });
  const full = dataset.createBatch(ids(range(0, 100)));
  const sub = (parent: B, ks: number[]): B => parent.asDataset(undefined, { copy }).createBatch(ids(ks)) as B;
  const a12_68 = sub(full, range(12, 68));
  const a25_48 = sub(a12_68, range(25, 48));
  const a32_42 = sub(a25_48, range(32, 42));
  const a35_40 = sub(a32_42, range(35, 40));
  const a37_39 = sub(a35_40, [37, 38]);
  const id = (k: number): IndexValue => (stringIds ? String(k) : k);
  const a38 = a37_39.get(id(38)) as Record<string, unknown>;
  const a38batch = sub(a37_39, [38]);
  const levels = [
    ['full', full],
    ['a12_68', a12_68],
    ['a25_48', a25_48],
    ['a32_42', a32_42],
    ['a35_40', a35_40],
    ['a37_39', a37_39],
  ] as const;
  return { dataset, levels, full, a12_68, a25_48, a32_42, a35_40, a37_39, a38, a38batch, id };
}

/** The 10 parameter cases in the reference order: each source, 'list' then 'array'. */
const SOURCES: SourceName[] = ['tuple_of_arrays', 'dict_of_arrays', 'dataframe', 'dataframe_with_str_index', 'advanced_dict'];
const CASES = SOURCES.flatMap((source) => (['list', 'array'] as const).map((type) => ({ source, type })));

const componentsChain = (source: SourceName, type: IndicesType) => {
  const src = makeSource(source);
  return { src, chain: makeChain(CB, src.data, src.stringIds, type) };
};

// ---- TestComponents ----------------------------------------------------------------------------

describe('TestComponents::test_getattr (T58–T67)', () => {
  CASES.forEach(({ source, type }, k) => {
    test(`T${58 + k}: ${source}, ${type} ids: labels of every level, a38.labels == 138`, () => {
      const { chain } = componentsChain(source, type);
      expect(toList(chain.full.labels)).toEqual(range(100, 200));
      expect(toList(chain.a12_68.labels)).toEqual(range(112, 168));
      expect(toList(chain.a25_48.labels)).toEqual(range(125, 148));
      expect(toList(chain.a32_42.labels)).toEqual(range(132, 142));
      expect(toList(chain.a35_40.labels)).toEqual(range(135, 140));
      expect(toList(chain.a37_39.labels)).toEqual([137, 138]);
      expect(chain.a38.labels).toBe(138);
      expect(chain.a38.images).toBe(1038);
      expect(toList(chain.a32_42.images)).toEqual(range(1032, 1042));
      expect(chain.a32_42.indices).toEqual(range(32, 42).map(chain.id));
    });
  });
});

describe('TestComponents::test_getattr_setitem1 (T68–T77)', () => {
  CASES.forEach(({ source, type }, k) => {
    test(`T${68 + k}: ${source}, ${type} ids: a32_42.labels[6] = 1000 edits a32_42 only (bug 16: the stored array is returned, edits stick)`, () => {
      const { src, chain } = componentsChain(source, type);
      setAt(chain.a32_42.labels, 6, 1000);
      expect(chain.a32_42.get(chain.id(38), 'labels')).toBe(1000);
      expect((chain.a32_42.get(chain.id(38)) as Record<string, unknown>).labels).toBe(1000);
      for (const [name, level] of chain.levels) {
        if (name === 'a32_42') continue;
        expect([name, (level.get(chain.id(38)) as Record<string, unknown>).labels]).toEqual([name, 138]);
      }
      expect(chain.a38.labels).toBe(138);
      expect(src.labelsOf()[38]).toBe(138);
    });
  });
});

// ---- disabled fest_* cases (D1–D40) ------------------------------------------------------------

describe('TestComponents::fest_getitem_getattr (D1–D10, disabled in the reference)', () => {
  CASES.forEach(({ source, type }, k) => {
    test(`D${1 + k}: ${source}, ${type} ids: get(38).labels == 138 at every level; a single-item batch looks ids up exactly (bug 23)`, () => {
      const { chain } = componentsChain(source, type);
      for (const [name, level] of chain.levels) {
        expect([name, (level.get(chain.id(38)) as Record<string, unknown>).labels]).toEqual([name, 138]);
      }
      expect(chain.a38batch.size).toBe(1);
      expect((chain.a38batch.get(chain.id(38)) as Record<string, unknown>).labels).toBe(138);
      // no substring match for string ids, no TypeError for numeric ids: a missing id is a MissingIdError
      expect(() => chain.a38batch.get(chain.id(3))).toThrow(MissingIdError);
      expect(() => chain.a37_39.get(chain.id(36))).toThrow(MissingIdError);
    });
  });
});

describe('TestComponents::fest_getitem_setattr1 (D11–D20, disabled in the reference)', () => {
  CASES.forEach(({ source, type }, k) => {
    test(`D${11 + k}: ${source}, ${type} ids: a38.labels = 1000 writes through to a37_39 (the batch owning the view) only`, () => {
      const { src, chain } = componentsChain(source, type);
      chain.a38.labels = 1000;
      expect(chain.a38.labels).toBe(1000);
      expect(toList(chain.a37_39.labels)).toEqual([137, 1000]);
      for (const [name, level] of chain.levels.slice(0, 5)) {
        expect([name, (level.get(chain.id(38)) as Record<string, unknown>).labels]).toEqual([name, 138]);
      }
      expect(src.labelsOf()[38]).toBe(138);
    });
  });
});

describe('TestComponents::fest_getitem_setattr2 (D21–D30, disabled in the reference)', () => {
  CASES.forEach(({ source, type }, k) => {
    test(`D${21 + k}: ${source}, ${type} ids: a32_42.get(38).labels = 1000 → 1000 in a32_42; 138 in the batches before and after it`, () => {
      const { src, chain } = componentsChain(source, type);
      (chain.a32_42.get(chain.id(38)) as Record<string, unknown>).labels = 1000;
      expect(toList(chain.a32_42.labels)).toEqual([...range(132, 138), 1000, ...range(139, 142)]);
      for (const [name, level] of chain.levels) {
        if (name === 'a32_42') continue;
        expect([name, (level.get(chain.id(38)) as Record<string, unknown>).labels]).toEqual([name, 138]);
      }
      expect(chain.a38.labels).toBe(138);
      expect(src.labelsOf()[38]).toBe(138);
    });
  });
});

describe('TestComponents::fest_getitem_setattr3 (D31–D40, disabled in the reference)', () => {
  CASES.forEach(({ source, type }, k) => {
    test(`D${31 + k}: ${source}, ${type} ids: full.get(38).labels = 1000 → 1000 in full; 138 elsewhere and in the dataset source (copy: true isolates)`, () => {
      const { src, chain } = componentsChain(source, type);
      (chain.full.get(chain.id(38)) as Record<string, unknown>).labels = 1000;
      expect(chain.full.get(chain.id(38), 'labels')).toBe(1000);
      expect(chain.full.get(chain.id(37), 'labels')).toBe(137);
      for (const [name, level] of chain.levels.slice(1)) {
        expect([name, (level.get(chain.id(38)) as Record<string, unknown>).labels]).toEqual([name, 138]);
      }
      expect(chain.a38.labels).toBe(138);
      expect(src.labelsOf()[38]).toBe(138);
      // a new batch from the dataset still sees the original value
      expect(chain.dataset.createBatch([chain.id(38)]).get(chain.id(38), 'labels')).toBe(138);
    });
  });
});

// ---- batches without components ----------------------------------------------------------------

describe('TestNoComponentsName::test_getattr (T78–T81): DataFrame sources → records of columns, no components', () => {
  const cases = (['dataframe', 'dataframe_with_str_index'] as const).flatMap((source) => (['list', 'array'] as const).map((type) => ({ source, type })));
  cases.forEach(({ source, type }, k) => {
    test(`T${78 + k}: ${source}, ${type} ids: data.labels of every level; the item of id 38 has labels 138`, () => {
      const src = makeSource(source);
      const chain = makeChain(Batch, src.data, src.stringIds, type);
      const labelsOf = (batch: Batch): unknown => toList((batch.data as Record<string, unknown>).labels);
      expect(chain.full.components).toBeNull();
      expect(labelsOf(chain.full)).toEqual(range(100, 200));
      expect(labelsOf(chain.a12_68)).toEqual(range(112, 168));
      expect(labelsOf(chain.a25_48)).toEqual(range(125, 148));
      expect(labelsOf(chain.a32_42)).toEqual(range(132, 142));
      expect(labelsOf(chain.a35_40)).toEqual(range(135, 140));
      expect(labelsOf(chain.a37_39)).toEqual([137, 138]);
      expect(chain.a38).toEqual({ images: 1038, labels: 138 });
    });
  });
});

describe('TestNoComponentsPos::test_getattr (T82–T85): tuple / dict keyed 0,1, no components', () => {
  const sources = [
    ['tuple_of_arrays_nc', () => [IMAGES(), LABELS()]],
    ['dict_of_arrays_nc', () => ({ 0: IMAGES(), 1: LABELS() })],
  ] as const;
  const cases = sources.flatMap(([name, data]) => (['list', 'array'] as const).map((type) => ({ name, data, type })));
  cases.forEach(({ name, data, type }, k) => {
    test(`T${82 + k}: ${name}, ${type} ids: data[1] of full and a12_68; item 38 of a12_68 has [1] == 138`, () => {
      const ids = (ks: number[]) => idsOf(ks, false, type) as IndexValue[];
      const dataset = new Dataset(ids(range(0, 100)), { preloaded: data() });
      const full = dataset.createBatch(ids(range(0, 100)));
      const a12_68 = full.asDataset().createBatch(ids(range(12, 68)));
      const second = (batch: Batch): unknown => toList((batch.data as Record<number, unknown>)[1]);
      expect(second(full)).toEqual(range(100, 200));
      expect(second(a12_68)).toEqual(range(112, 168));
      const a38 = a12_68.get(38) as Record<number, unknown>;
      expect(a38[1]).toBe(138);
      expect(a38[0]).toBe(1038);
    });
  });
});

describe('TestNoComponents::test_getattr (T86–T87): a bare labels array', () => {
  (['list', 'array'] as const).forEach((type, k) => {
    test(`T${86 + k}: ${type} ids: full.data == 100..199, a12_68.data == 112..167, item 38 == 138`, () => {
      const ids = (ks: number[]) => idsOf(ks, false, type) as IndexValue[];
      const full = new Dataset(ids(range(0, 100)), { preloaded: LABELS() }).createBatch(ids(range(0, 100)));
      const a12_68 = full.asDataset().createBatch(ids(range(12, 68)));
      expect(toList(full.data)).toEqual(range(100, 200));
      expect(toList(a12_68.data)).toEqual(range(112, 168));
      expect(a12_68.get(38)).toBe(138);
      expect(a12_68.itemAt(26)).toBe(138);
      expect([...a12_68].slice(0, 3)).toEqual([112, 113, 114]);
    });
  });
});
