/**
 * batchflow-ts/internal: building blocks behind the public API, for tests, benchmarks and tools.
 * UNSTABLE: these names may change or go away in any release; applications should import from
 * `batchflow-ts` only.
 * @module
 */
import './index.js'; // the same side effects as the public entry (reflect-metadata, formats, dataset.p)

export { reservedParallelOptions } from './decorators/parallel-options.js';
export { getActions, getAction, getRegisteredClasses, type ResolvedAction } from './decorators/registry.js';
export { stripExtension } from './dataset/files-index.js';
export { defaultIterState } from './dataset/iteration.js';
export { PipelineCore } from './pipeline/pipeline.js';
export { saveDataTo } from './pipeline/save-data.js';
export { isNamedExpression, isPerItem, Slice } from './expr/index.js';
export { getEngine } from './engines/registry.js';
export { resolveTarget, validTargets } from './engines/target.js';
export { Mutex } from './concurrency/mutex.js';
