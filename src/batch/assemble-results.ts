/**
 * The default `post` of parallel actions (`_assemble`): per-item results become one column per
 * `dst` component (one name: all results; several names: item `i` returns one value per name).
 * @module
 */
import { ComponentTuple } from '../decorators/parallel-options.js';
import { ArgumentError, AssembleError } from '../errors.js';
import { columnItem, columnLength, describeKind, isColumn, type Column } from '../ndarray/columns.js';
import { assembleColumn } from './assemble.js';

/** The component names of `dst` and their assembled columns. */
export function assembleResults(results: readonly unknown[], dst: string | readonly string[] | ComponentTuple | null): { names: string[]; columns: Column[] } {
  let failed = -1;
  for (let i = 0; i < results.length && failed < 0; i++) {
    const result = results[i];
    if (typeof result === 'object' && result instanceof Error) failed = i;
  }
  if (failed >= 0) throw new AssembleError(`Could not assemble the batch: item ${failed} is an error`, { cause: results[failed] });
  const names = dst instanceof ComponentTuple ? [...dst.names] : typeof dst === 'string' ? [dst] : Array.isArray(dst) ? [...(dst as readonly string[])] : [];
  if (names.length === 0) throw new ArgumentError('dst', 'names no component to store the results in');
  if (names.length === 1) return { names, columns: [assembleColumn(results)] };
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
  return { names, columns: perName.map(assembleColumn) };
}
