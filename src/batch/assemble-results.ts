/**
 * The default `post` of parallel actions (`_assemble`): per-item results become one column per
 * `dst` component (one name: all results; several names: item `i` returns one value per name).
 * @module
 */
import ndarray from 'ndarray';
import { ComponentTuple } from '../decorators/parallel-options.js';
import { ArgumentError, AssembleError } from '../errors.js';
import { columnItem, columnLength, describeKind, isColumn, type Column } from '../ndarray/columns.js';
import { takeNumberColumn } from '../engines/result-buffer.js';
import { takeOutputRows } from '../engines/item-outputs.js';
import { assembleColumn } from './assemble.js';

/** Throws an AssembleError naming the first result that is an error. */
function assertNoError(results: readonly unknown[]): void {
  for (let i = 0; i < results.length; i++) {
    const result = results[i];
    if (typeof result === 'object' && result instanceof Error)
      throw new AssembleError(`Could not assemble the batch: item ${i} is an error`, { cause: result });
  }
}

/** The component names of `dst` and their assembled columns. */
export function assembleResults(results: readonly unknown[], dst: string | readonly string[] | ComponentTuple | null): { names: string[]; columns: Column[] } {
  const names = dst instanceof ComponentTuple ? [...dst.names] : typeof dst === 'string' ? [dst] : Array.isArray(dst) ? [...(dst as readonly string[])] : [];
  // number results a worker engine already holds in one typed array (taken even when unused, so it never outlives the call)
  const numbers = takeNumberColumn(results);
  const outputs = takeOutputRows(results);
  if (names.length === 1) {
    if (numbers !== undefined) return { names, columns: [ndarray(numbers, [numbers.length])] };
    // numbers, ndarrays and typed arrays assemble into one array, which no error can be part of: only a plain list is searched
    const column = assembleColumn(results, outputs);
    if (Array.isArray(column)) assertNoError(results);
    return { names, columns: [column] };
  }
  assertNoError(results);
  if (names.length === 0) throw new ArgumentError('dst', 'names no component to store the results in');
  const perName = names.map(() => new Array<unknown>(results.length));
  results.forEach((result, i) => {
    const parts = isColumn(result) ? result : null;
    if (parts === null || columnLength(parts) !== names.length) {
      throw new AssembleError(
        `Could not assemble the batch: item ${i} must return ${names.length} values (one per dst component ${names.join(', ')}), got ${describeKind(result)}`,
      );
    }
    names.forEach((_, k) => (perName[k]![i] = columnItem(parts, k)));
  });
  return { names, columns: perName.map((values) => assembleColumn(values)) };
}
