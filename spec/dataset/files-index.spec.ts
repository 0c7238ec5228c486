/**
 * FilesIndex: globs, dirs, noExt, sort, paths; BatchFlow's files-index test cases
 * (fixture F-files-A in a temp directory) and the fixes of bug 6.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { ArgumentError, Batch, Dataset, DatasetIndex, MissingIdError, type IndexValue } from '../../src/index.js';
import { FilesIndex, stripExtension } from '../../src/dataset/files-index.js';
import { captureWarnings, errorOf, makeTree, removeTree } from './helpers.js';

const FILES = ['file_0.txt', 'file_1.txt', 'file_2.txt'];
let root = '';
let dir = '';

beforeAll(() => {
  // F-files-A: fi_test_tmp/{file_0..2.txt}, fi_test_tmp/folder/{same}, fi_test_tmp/other_folder/{same}.
  root = makeTree(['', 'folder/', 'other_folder/'].flatMap((sub) => FILES.map((f) => `fi_test_tmp/${sub}${f}`)));
  dir = path.join(root, 'fi_test_tmp');
});
afterAll(() => removeTree(root));

const ids = (index: DatasetIndex): IndexValue[] => [...index.indices];

describe('FilesIndex catalogue (§6.3)', () => {
  test("6.3-1: build_index_empty: path '' → length 0 (an array of ids); path [] → ArgumentError; ['',''] → length 0", () => {
    const { result: empty, warnings } = captureWarnings(() => new FilesIndex({ path: '' }));
    expect(empty.length).toBe(0);
    expect(Array.isArray(empty.indices)).toBe(true);
    expect(warnings.join('\n')).toMatch(/matches nothing/);
    expect(() => new FilesIndex({ path: [] })).toThrow(ArgumentError);
    expect(captureWarnings(() => new FilesIndex({ path: ['', ''] })).result.length).toBe(0);
  });

  test.each<[string, unknown]>([
    ['path 1', 1],
    ['path [2, 3]', [2, 3]],
    ['path [null]', [null]],
  ])('6.3-2: build_index_non_path: %s → TypeError', (_, bad) => {
    expect(() => new FilesIndex({ path: bad as string })).toThrow(TypeError);
  });

  test('6.3-3: build_no_ext: fi_test_tmp/* with noExt → 3 ids (folders excluded), the first has no extension', () => {
    const index = new FilesIndex({ path: `${dir}/*`, noExt: true });
    expect(index.length).toBe(3);
    expect(index.indices[0]).toBe('file_0');
    expect(ids(index)).toEqual(['file_0', 'file_1', 'file_2']);
    expect(index.getFullpath('file_1')).toBe(path.join(dir, 'file_1.txt'));
  });

  test("6.3-4: build_dirs: fi_test_tmp/* with dirs and sort → 2 ids, the first is 'folder'", () => {
    const index = new FilesIndex({ path: `${dir}/*`, dirs: true, sort: true });
    expect(ids(index)).toEqual(['folder', 'other_folder']);
    expect(index.dirs).toBe(true);
    expect(index.getFullpath('folder')).toBe(path.join(dir, 'folder'));
  });

  test('6.3-5: same_name_in_different_folders: fi_test_tmp/*/* → ArgumentError naming both paths', () => {
    const error = errorOf(() => new FilesIndex({ path: `${dir}/*/*` }));
    expect(error).toBeInstanceOf(ArgumentError);
    const message = (error as Error).message;
    expect(message).toContain(path.join(dir, 'folder', 'file_0.txt'));
    expect(message).toContain(path.join(dir, 'other_folder', 'file_0.txt'));
  });

  test('6.3-6: build_from_index: FilesIndex({index: DatasetIndex(files), paths: {f: dir/f}, dirs: false}) → length 3', () => {
    const paths = Object.fromEntries(FILES.map((f) => [f, `fi_test_tmp/${f}`]));
    const index = new FilesIndex({ index: new DatasetIndex(FILES), paths, dirs: false });
    expect(index.length).toBe(3);
    expect(index.getFullpath('file_2.txt')).toBe('fi_test_tmp/file_2.txt');
  });

  test("6.3-7: get_full_path: getFullpath('file_1.txt') → folder fi_test_tmp, base name file_1.txt", () => {
    const fullPath = new FilesIndex({ path: `${dir}/*` }).getFullpath('file_1.txt');
    expect(path.dirname(fullPath)).toBe(dir);
    expect(path.basename(path.dirname(fullPath))).toBe('fi_test_tmp');
    expect(path.basename(fullPath)).toBe('file_1.txt');
  });

  test.each<[string, () => DatasetIndex | string[]]>([
    ["DatasetIndex(['file_1.txt'])", () => new DatasetIndex(['file_1.txt'])],
    ["['file_1.txt']", () => ['file_1.txt']],
  ])('6.3-8: create_subset(%s) → length 1, indices an array, keeps the path', (_, make) => {
    const subset = new FilesIndex({ path: `${dir}/*` }).createSubset(make());
    expect(subset).toBeInstanceOf(FilesIndex);
    expect(subset.length).toBe(1);
    expect(Array.isArray(subset.indices)).toBe(true);
    expect(subset.getFullpath('file_1.txt')).toBe(path.join(dir, 'file_1.txt'));
    expect([...subset.paths.keys()]).toEqual(['file_1.txt']);
  });
});

describe('FilesIndex behaviour (§1.9, bug 6)', () => {
  let tree = '';
  beforeAll(() => {
    tree = makeTree(['d/x1.txt', 'd/x2.csv', 'd/noext', 'd/.hidden', 'd/w.tar.gz', 'd/a/y.txt', 'd/a/deep/z.txt', 'd/b/', 'e/q.txt', 'e/r.txt']);
  });
  afterAll(() => removeTree(tree));

  test('§1.9 observed: d/* sorted → files only, no dotfiles; noExt cuts the last extension; dirs → [a, b]', () => {
    expect(ids(new FilesIndex({ path: `${tree}/d/*`, sort: true }))).toEqual(['noext', 'w.tar.gz', 'x1.txt', 'x2.csv']);
    expect(ids(new FilesIndex({ path: `${tree}/d/*`, sort: true, noExt: true }))).toEqual(['noext', 'w.tar', 'x1', 'x2']);
    expect(ids(new FilesIndex({ path: `${tree}/d/*`, dirs: true }))).toEqual(['a', 'b']);
  });

  test('§1.9: ** matches at every depth: d/**/*.txt → x1.txt, y.txt, z.txt', () => {
    const index = new FilesIndex({ path: `${tree}/d/**/*.txt`, sort: true });
    expect(ids(index)).toEqual(['x1.txt', 'y.txt', 'z.txt']);
    expect(index.getFullpath('z.txt')).toBe(path.join(tree, 'd', 'a', 'deep', 'z.txt'));
  });

  test('§1.9: an explicit dot pattern matches dotfiles', () => {
    expect(ids(new FilesIndex({ path: `${tree}/d/.*` }))).toEqual(['.hidden']);
  });

  test('§1.9 noExt rules (os.path.splitext): w.tar.gz → w.tar, .hidden kept, ..x kept, .a.b → .a, a. → a', () => {
    expect(['w.tar.gz', '.hidden', '..x', '.a.b', 'a.', 'plain'].map(stripExtension)).toEqual(['w.tar', '.hidden', '..x', '.a', 'a', 'plain']);
  });

  test('§1.9: a relative glob gives relative paths, an absolute glob absolute ones', () => {
    const relative = path.relative(process.cwd(), path.join(tree, 'e'));
    const index = new FilesIndex({ path: `${relative}/*.txt` });
    expect(index.getFullpath('q.txt')).toBe(`${relative}/q.txt`);
    expect(path.isAbsolute(new FilesIndex({ path: `${tree}/e/*.txt` }).getFullpath('q.txt'))).toBe(true);
  });

  test('bug 6: several globs with different numbers of matches are joined, in glob order (each sorted by path) unless sort', () => {
    const index = new FilesIndex({ path: [`${tree}/e/*`, `${tree}/d/*.txt`, `${tree}/d/*.csv`] });
    expect(ids(index)).toEqual(['q.txt', 'r.txt', 'x1.txt', 'x2.csv']);
    const sorted = new FilesIndex({ path: [`${tree}/e/*`, `${tree}/d/*.txt`], sort: true });
    expect(ids(sorted)).toEqual(['q.txt', 'r.txt', 'x1.txt']);
    expect(ids(new FilesIndex({ path: [`${tree}/d/x2.csv`, `${tree}/e/*`], sort: true }))).toEqual(['q.txt', 'r.txt', 'x2.csv']);
    expect(ids(new FilesIndex({ path: [`${tree}/d/x2.csv`, `${tree}/e/*`] }))).toEqual(['x2.csv', 'q.txt', 'r.txt']);
  });

  test('§1.9: a glob matching nothing warns and adds nothing; the same file matched twice is one id', () => {
    const { result, warnings } = captureWarnings(() => new FilesIndex({ path: [`${tree}/e/*`, `${tree}/nope/*`, `${tree}/e/q.txt`] }));
    expect(ids(result)).toEqual(['q.txt', 'r.txt']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('nope');
  });

  test('bug 6: paths may be a Map, a record or an array aligned with the positions; missing paths → ArgumentError', () => {
    const viaMap = new FilesIndex({
      index: ['a', 'b'],
      paths: new Map([
        ['a', '/p/a'],
        ['b', '/p/b'],
      ]),
    });
    expect(viaMap.getFullpath('b')).toBe('/p/b');
    const viaArray = new FilesIndex({ index: ['a', 'b'], paths: ['/q/a', '/q/b'] });
    expect(viaArray.getFullpath('a')).toBe('/q/a');
    expect(() => new FilesIndex({ index: ['a', 'b'], paths: { a: '/p/a' } })).toThrow(/no path given for 1 id/);
    expect(() => new FilesIndex({ index: ['a', 'b'], paths: ['/q/a'] })).toThrow(ArgumentError);
    expect(() => new FilesIndex({ index: ['a'] })).toThrow(ArgumentError);
  });

  test('§1.9: options errors: both path and index, or neither → ArgumentError; not an object → TypeError', () => {
    expect(() => new FilesIndex({ path: `${tree}/e/*`, index: ['a'], paths: ['x'] })).toThrow(ArgumentError);
    expect(() => new FilesIndex({})).toThrow(ArgumentError);
    expect(() => new FilesIndex('x/*' as never)).toThrow(TypeError);
  });

  test('§1.9: getFullpath of an unknown id → MissingIdError', () => {
    expect(() => new FilesIndex({ path: `${tree}/e/*` }).getFullpath('zz')).toThrow(MissingIdError);
  });

  test('§1.9: a FilesIndex given as index keeps its paths and dirs', () => {
    const source = new FilesIndex({ path: `${tree}/d/*`, dirs: true });
    const copy = new FilesIndex({ index: source });
    expect(copy.dirs).toBe(true);
    expect(copy.getFullpath('a')).toBe(path.join(tree, 'd', 'a'));
  });

  test('§1.9: batches, split parts and genBatch batches keep their paths and dirs', () => {
    const index = new FilesIndex({ path: `${tree}/d/**/*`, sort: true });
    expect(ids(index)).toEqual(['noext', 'w.tar.gz', 'x1.txt', 'x2.csv', 'y.txt', 'z.txt']);
    const batch = index.createBatch([0, 1], { pos: true });
    expect(batch).toBeInstanceOf(FilesIndex);
    expect(batch.getFullpath(batch.indices[1]!)).toBe(index.getFullpath(index.indices[1]!));
    index.split(0.5, { shuffle: 3 });
    for (const part of [index.train!, index.test!]) {
      expect(part).toBeInstanceOf(FilesIndex);
      for (const id of part.indices) expect(part.getFullpath(id)).toBe(index.getFullpath(id));
      expect(part.paths.size).toBe(part.length);
    }
    for (const b of index.genBatch({ batchSize: 3, nEpochs: 1, shuffle: 1 })) {
      expect(b).toBeInstanceOf(FilesIndex);
      for (const id of b.indices) expect(b.getFullpath(id)).toBe(index.getFullpath(id));
    }
  });

  test('§1.3: concat merges the paths; one id with two different paths → ArgumentError', () => {
    const d = new FilesIndex({ path: `${tree}/d/*.txt` });
    const e = new FilesIndex({ path: `${tree}/e/*` });
    const joined = d.concat(e);
    expect(joined).toBeInstanceOf(FilesIndex);
    expect(ids(joined)).toEqual(['x1.txt', 'q.txt', 'r.txt']);
    expect(joined.getFullpath('r.txt')).toBe(path.join(tree, 'e', 'r.txt'));
    expect(joined.getFullpath('x1.txt')).toBe(path.join(tree, 'd', 'x1.txt'));
    const clash = new FilesIndex({ index: ['x1.txt'], paths: ['/elsewhere/x1.txt'] });
    expect(() => d.concat(clash)).toThrow(/two paths/);
  });

  test('a Dataset over a FilesIndex makes batches whose index is a FilesIndex with paths', () => {
    const ds = new Dataset(new FilesIndex({ path: `${tree}/e/*` }), { batchClass: Batch });
    const batch = ds.createBatch(['r.txt']);
    expect(batch.index).toBeInstanceOf(FilesIndex);
    expect((batch.index as FilesIndex).getFullpath('r.txt')).toBe(path.join(tree, 'e', 'r.txt'));
    const first = ds.genBatch({ batchSize: 1, nEpochs: 1 }).next().value as Batch;
    expect((first.index as FilesIndex).getFullpath('q.txt')).toBe(path.join(tree, 'e', 'q.txt'));
  });
});
