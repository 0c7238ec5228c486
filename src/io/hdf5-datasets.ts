/**
 * Writing HDF5 files for `fmt: 'hdf5'`: the atomic file writer both layouts use, and `layout:
 * 'datasets'` — one dataset per component (ndarray components keep their shape), plus the ids in the
 * index dataset; booleans are stored as uint8 with the attribute `batchflow_dtype = 'bool'`, strings
 * as variable-length UTF-8 (h5py: `f['name'].asstr()[:]`). The pandas layout is in hdf5-pandas.ts.
 * @module
 */
import ndarray from 'ndarray';
import type { Column } from '../ndarray/columns.js';
import { copyNdArray, isNdArray, isTypedArray, stackNdArrays, type NDArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import { BatchflowError } from '../errors.js';
import { IoError, UnsupportedDataError } from './errors.js';
import { afterWriteFailure } from './hdf5-guard.js';
import { atomicWrite } from './files.js';
import { loadH5wasm, type H5File, type H5Group } from './h5wasm-import.js';
import type { IndexKey } from './table.js';
import { classify } from './table-dump.js';

const FORMAT = 'hdf5';

interface DatasetSpec {
  readonly data: TypedArray | BigInt64Array | BigUint64Array | string[];
  readonly shape: number[];
  readonly bool: boolean;
}

function ndarraySpec(array: NDArray): DatasetSpec {
  const copy = copyNdArray(array);
  let data = copy.data as TypedArray;
  if (data instanceof Uint8ClampedArray) data = new Uint8Array(data.buffer, data.byteOffset, data.length);
  return { data, shape: array.shape.slice(), bool: false };
}

function componentSpec(value: Column, name: string, file: string): DatasetSpec {
  if (isNdArray(value)) return ndarraySpec(value);
  if (isTypedArray(value)) return ndarraySpec(ndarray(value as TypedArray, [value.length]));
  const list = value as unknown[];
  const kind = classify(list);
  if (kind === 'number')
    return { data: Float64Array.from(list, (v) => (v === null || v === undefined ? NaN : (v as number))), shape: [list.length], bool: false };
  if (kind === 'string' && list.every((v) => typeof v === 'string')) return { data: list as string[], shape: [list.length], bool: false };
  if (kind === 'bool' && list.every((v) => typeof v === 'boolean'))
    return { data: Uint8Array.from(list as boolean[], (v) => (v ? 1 : 0)), shape: [list.length], bool: true };
  if (kind === 'bigint' && list.every((v) => typeof v === 'bigint')) return { data: BigInt64Array.from(list as bigint[]), shape: [list.length], bool: false };
  if ((kind === 'ndarray' || kind === 'typed') && list.every((v) => v !== null && v !== undefined)) {
    const arrays = list.map((v) => (isNdArray(v) ? v : ndarray(v as TypedArray, [(v as TypedArray).length])));
    const shape = arrays[0]!.shape;
    if (arrays.every((a) => a.shape.length === shape.length && a.shape.every((d, i) => d === shape[i]))) return ndarraySpec(stackNdArrays(arrays));
    throw new UnsupportedDataError(FORMAT, file, `component '${name}' holds items of different shapes, which one dataset cannot store; use fmt 'blosc'`);
  }
  throw new UnsupportedDataError(
    FORMAT,
    file,
    `component '${name}' holds ${kind === null ? 'mixed values or objects' : `${kind} values with nulls`}, which an HDF5 dataset cannot store; use fmt 'blosc' or convert them first`,
  );
}

function indexSpec(ids: readonly IndexKey[]): DatasetSpec {
  if (ids.every((id) => typeof id === 'number' && Number.isSafeInteger(id)))
    return { data: BigInt64Array.from(ids as number[], (id) => BigInt(id)), shape: [ids.length], bool: false };
  if (ids.every((id) => typeof id === 'number')) return { data: Float64Array.from(ids as number[]), shape: [ids.length], bool: false };
  return { data: ids.map(String), shape: [ids.length], bool: false };
}

/** The group at `path` under `root` (`/`-separated), created where missing. */
export function ensureGroup(root: H5Group, path: string): H5Group {
  let group = root;
  for (const part of path.split('/').filter(Boolean)) {
    const existing = group.keys().includes(part) ? group.get(part) : null;
    group = existing && 'create_group' in (existing as object) ? (existing as H5Group) : group.create_group(part);
  }
  return group;
}

/** Writes a new HDF5 file atomically: `fill` gets the open file (temp + rename). */
export async function writeHdf5(file: string, fill: (handle: H5File) => void): Promise<void> {
  const h5 = await loadH5wasm();
  await atomicWrite(FORMAT, file, (temp) => {
    let handle: H5File;
    try {
      handle = new h5.File(temp, 'w');
    } catch (error) {
      throw new IoError(FORMAT, file, `cannot create the file: ${(error as Error).message}`, { cause: error });
    }
    try {
      fill(handle);
    } catch (error) {
      if (error instanceof BatchflowError) throw error;
      afterWriteFailure(error);
      throw new IoError(FORMAT, file, `cannot write the file: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      try {
        handle.close();
      } catch {
        // an aborted instance cannot close its files; it has been replaced
      }
    }
  });
}

/**
 * Writes `components` (name → column) as one dataset each under the group `key` of a new file, and
 * `ids` as the dataset `indexName` (unless null); `level` is the gzip level or null.
 */
export async function writeDatasetsLayout(
  components: ReadonlyMap<string, Column | null>,
  ids: readonly IndexKey[],
  file: string,
  key: string,
  indexName: string | null,
  level: number | null,
): Promise<void> {
  const specs = new Map<string, DatasetSpec>();
  for (const [name, value] of components) {
    if (value === null) throw new UnsupportedDataError(FORMAT, file, `component '${name}' holds no data to dump`);
    specs.set(name, componentSpec(value, name, file));
  }
  if (indexName !== null) specs.set(indexName, indexSpec(ids));
  await writeHdf5(file, (handle) => {
    const group = ensureGroup(handle, key);
    for (const [name, spec] of specs) {
      const chunks =
        level === null
          ? null
          : [
              Math.max(
                1,
                Math.min(
                  spec.shape[0]!,
                  Math.ceil(
                    65536 /
                      Math.max(
                        1,
                        spec.shape.slice(1).reduce((a, b) => a * b, 1),
                      ),
                  ),
                ),
              ),
              ...spec.shape.slice(1),
            ];
      const dataset = group.create_dataset({
        name,
        data: spec.data,
        shape: spec.shape,
        ...(level !== null && !Array.isArray(spec.data) ? { compression: 'gzip' as const, compression_opts: level, chunks } : {}),
      });
      if (spec.bool) dataset.create_attribute('batchflow_dtype', 'bool');
    }
  });
}
