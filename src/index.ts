/**
 * batchflow-ts: Batch classes with decorated actions, parallel engines, datasets, named expressions,
 * lazy pipelines and file formats (blosc, csv, feather, hdf5).
 * This file is the public API; everything else is internal.
 * @module
 */
import 'reflect-metadata';

export { Batch, type BatchClass, type BatchOptions, type LoadOptions, type DumpOptions, type ToArrayOptions } from './batch/batch.js';
export type { ActionsOf, ParallelCallOptions, ItemOptionValues } from './batch/action-types.js';
export type { Column } from './ndarray/columns.js';
export type { ItemView } from './batch/item-view.js';
export { zeros, isNdArray, type NDArray, type DType, type TypedArray } from './ndarray/ndarray-utils.js';

export { action, type ActionOptions } from './decorators/action.js';
export { applyParallel } from './decorators/apply-parallel.js';
export { inbatchParallel, type InbatchParallelOptions } from './decorators/inbatch-parallel.js';
export { tuple, ComponentTuple, reservedParallelOptions, type ParallelOptions, type ParallelDecoratorOptions, type SourceSpec, type DestinationSpec, type InitSpec, type PostSpec } from './decorators/parallel-options.js';
export { getActions, getAction, getRegisteredClasses, type ResolvedAction } from './decorators/registry.js';
export type { ActionRecord, ActionKind } from './decorators/action-record.js';

export { DatasetIndex, type IndexSource, type IndexValue, type BatchIterRest, type CreateBatchOptions } from './dataset/dataset-index.js';
export { FilesIndex, stripExtension, type FilesIndexOptions, type PathsSource } from './dataset/files-index.js';
export { Dataset, type DatasetOptions, type CvSplitOptions, type DatasetBatchOptions, type FromDatasetOptions, type BatchConstructor } from './dataset/dataset.js';
export type { TableDatasetOptions, TableDatasetBase, TableFormat } from './dataset/table-dataset.js';
export { StopIterationError, defaultIterState, type IterState, type BatchIterOptions } from './dataset/iteration.js';
export { calcSplit, type SplitShares } from './dataset/calc-split.js';
export type { ShuffleOption } from './dataset/shuffle.js';
export type { Slice as IndexSlice } from './dataset/slice.js';

export { Pipeline, PipelineCore, type PipelineActions, type PipelineOptions, type OncePipeline } from './pipeline/pipeline.js';
import './pipeline/dataset-pipeline.js'; // dataset.p and dataset.pipeline()
export type { Evaluable, EvaluableOptions, AnyNamedExpression } from './pipeline/action-types.js';
export type { RunOptions, RunOptionsInput } from './pipeline/run-options.js';
export type { ProgressBarOptions, ProgressStream } from './pipeline/progress.js';
export type { MergeFunction } from './pipeline/records.js';
export { SkipBatch, StopPipeline, PipelineError } from './pipeline/errors.js';
export { saveDataTo } from './pipeline/save-data.js';
export { Config, MissingKeyError, type ConfigSource } from './config/config.js';
export {
  B, V, C, D, I, F, L, W, P, PP, IF, R, evalExpr, isNamedExpression, NamedExpression, PerItem, isPerItem, ExpressionError, NoPipelineError,
  supportedDistributions, Slice,
  type EvalContext, type PipelineLike, type IterationInfo, type SetMode, type ExprOr, type Evaluated, type EvalOptions, type RandomOptions,
} from './expr/index.js';

export { closeEngines, registerEngine, getEngine, type RegisterEngineOptions } from './engines/registry.js';
export { resolveTarget, validTargets, type Target, type TargetName } from './engines/target.js';
export type { Engine, EngineRunOptions } from './engines/engine.js';
export { ItemContext, type ItemFunction, type ItemTask } from './engines/item-task.js';
export { portable, type FunctionReference } from './engines/function-reference.js';
export { configureWorkers, type WorkerSettings } from './engines/worker-engine.js';
export { registerErrorClass, type ErrorClass } from './engines/error-classes.js';

export { Rng } from './random/rng.js';
export { Mutex } from './concurrency/mutex.js';
export { registerFormat, registeredFormats, type RegisterFormatOptions, type FormatHandler, type FormatLoadOptions, type FormatDumpOptions } from './io/format-registry.js';
export type { WholeTable, IndexKey } from './io/table.js';
export { IoError, MissingFileError, FileFormatError, CorruptFileError, MissingColumnError, MissingRowError, UnsupportedDataError, UnsafePickleError } from './io/errors.js';
export {
  BatchflowError, ArgumentError, ComponentError, MissingIdError, UnknownTargetError, UnknownFormatError,
  ActionError, AssembleError, TimeoutError, NotPortableError, WorkerCrashError, MissingPeerDependencyError,
} from './errors.js';
