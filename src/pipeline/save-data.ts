/**
 * `saveDataTo(data, dst)`: where `call(...)` results and `update` values go. A destination is a named
 * expression (set with its mode), an array / typed array (filled in place), or, for several values, an
 * array of destinations (one per value) or a record of destinations (one per key of `data`).
 * @module
 */
import { columnItem, columnLength, isColumn, setColumnItem } from '../ndarray/columns.js';
import { ArgumentError } from '../errors.js';
import type { EvalContext } from '../expr/context.js';
import { isPlainObject } from '../util/plain-object.js';
import { isNamedExpression } from './expressions.js';

function saveOne(value: unknown, dst: unknown, context: EvalContext, where: string): void {
  if (isNamedExpression(dst)) {
    dst.set(value, context);
    return;
  }
  if (isColumn(dst)) {
    if (!isColumn(value) || columnLength(value) !== columnLength(dst)) {
      throw new ArgumentError(
        'saveTo',
        `${where}: an array destination of ${columnLength(dst)} entries is filled in place, so the value must be an array of the same length`,
      );
    }
    for (let i = 0; i < columnLength(dst); i++) setColumnItem(dst, i, columnItem(value, i), where);
    return;
  }
  throw new ArgumentError('saveTo', `${where}: expected a named expression (V, C, B, …) or an array to fill, got ${dst === null ? 'null' : typeof dst}`);
}

/** Stores `data` in `dst` (see the module docs). */
export function saveDataTo(data: unknown, dst: unknown, context: EvalContext): void {
  if (isPlainObject(dst) && !isNamedExpression(dst)) {
    if (!isPlainObject(data)) throw new ArgumentError('saveTo', 'a record of destinations needs a record of values');
    for (const [key, target] of Object.entries(dst)) {
      if (!(key in data)) throw new ArgumentError('saveTo', `the value has no key '${key}' (keys: ${Object.keys(data).join(', ')})`);
      saveOne(data[key], target, context, `saveTo.${key}`);
    }
    return;
  }
  if (Array.isArray(dst) && dst.length > 0 && dst.every((target) => isNamedExpression(target) || isColumn(target))) {
    const values = Array.isArray(data) ? data : null;
    if (values === null || values.length !== dst.length) {
      throw new ArgumentError(
        'saveTo',
        `${dst.length} destinations need an array of ${dst.length} values, got ${Array.isArray(data) ? `${data.length} values` : typeof data}`,
      );
    }
    dst.forEach((target, i) => saveOne(values[i], target, context, `saveTo[${i}]`));
    return;
  }
  saveOne(data, dst, context, 'saveTo');
}
