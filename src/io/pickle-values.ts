/**
 * The inert value tree a pickle is read into and written from: Python values as JS values
 * ({@link PyTuple}, {@link PyDict}, `Uint8Array` for bytes, `bigint` for ints beyond 2^53), globals as
 * {@link PyGlobal} names that are never resolved, calls as recorded {@link PyCall} nodes; and the
 * pickle errors. Shared by the reader (`pickle.ts`) and the writer (`pickle-writer.ts`).
 * @module
 */

/** A pickle that cannot be read: malformed, or using an opcode this reader refuses. */
export class PickleError extends Error {
  override name = 'PickleError';
}

/** A pickle naming a global (module.name) that is not allowed. */
export class PickleGlobalError extends PickleError {
  override name = 'PickleGlobalError';
  constructor(readonly global: string) {
    super(`it refers to the Python global '${global}', which is not allowed (nothing was executed)`);
  }
}

/** A Python global (a module attribute such as `numpy.dtype`), never resolved to anything. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}
  /** `module.name`. */
  get qualified(): string {
    return `${this.module}.${this.name}`;
  }
}

/** A recorded call of an allowed global (REDUCE), with the state given by a later BUILD, if any. */
export class PyCall {
  state: PyValue | undefined = undefined;
  constructor(
    readonly func: PyGlobal,
    readonly args: readonly PyValue[],
  ) {}
}

/** A Python tuple. */
export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A Python dict (keys in insertion order; a later equal key replaces the value). */
export class PyDict {
  readonly entries: Array<[PyValue, PyValue]> = [];
  private readonly positions = new Map<string | number | bigint | boolean | null, number>();
  set(key: PyValue, value: PyValue): void {
    const primitive = key === null || typeof key !== 'object';
    const at = primitive ? this.positions.get(key) : undefined;
    if (at !== undefined) {
      this.entries[at] = [key, value];
      return;
    }
    if (primitive) this.positions.set(key, this.entries.length);
    this.entries.push([key, value]);
  }
}

/** A value of the inert tree. Lists are JS arrays, bytes are Uint8Array. */
export type PyValue = null | boolean | number | bigint | string | Uint8Array | PyValue[] | PyTuple | PyDict | PyGlobal | PyCall;

/** A short description of a value for error messages. */
export function describe(value: PyValue | undefined): string {
  if (value === null) return 'None';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'bytes';
  if (value instanceof PyTuple) return 'a tuple';
  if (value instanceof PyDict) return 'a dict';
  if (value instanceof PyGlobal) return `the global ${value.qualified}`;
  if (value instanceof PyCall) return `a ${value.func.qualified}(...) object`;
  return `a ${typeof value}`;
}
