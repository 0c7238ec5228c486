/** Every reflect-metadata key the library uses, in one place. */

/** Own action records of a class: `Map<methodName, ActionRecord>` on the class prototype. */
export const ACTIONS_METADATA = Symbol.for('batchflow-ts:actions');

/** The file (path or URL) that defined a class with decorated methods. */
export const DEFINING_MODULE_METADATA = Symbol.for('batchflow-ts:defining-module');
