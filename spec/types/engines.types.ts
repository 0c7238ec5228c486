/**
 * Compile-only type tests of the engine helpers (`registerErrorClass`). Checked by `tsc -p . --noEmit`
 * (part of `npm test`); nothing here runs at import.
 */
import { registerErrorClass } from '../../src/index.js';

export function typeChecks(): void {
  class QuotaError extends Error {
    constructor(
      message: string,
      readonly code: number,
    ) {
      super(message);
    }
  }
  const same: typeof QuotaError = registerErrorClass(QuotaError);
  void same;
  registerErrorClass(QuotaError, 'Quota');
  class NotAnError {
    code = 1;
  }
  // @ts-expect-error: a class whose instances are not Errors
  registerErrorClass(NotAnError);
  // @ts-expect-error: the name is a string
  registerErrorClass(QuotaError, 42);
}
