/**
 * batchflow-ts: Batch classes with decorated actions, parallel engines, datasets, named expressions,
 * lazy pipelines and file formats (blosc, csv, feather, hdf5).
 *
 * This file is the public API: every name here is documented where it is declared, and every type a
 * public signature uses is exported here too. Building blocks that tests, benchmarks and tools need
 * (registries, resolvers, helpers) are in the unstable entry `batchflow-ts/internal` (`src/internal.ts`).
 * @module
 */
import 'reflect-metadata';

// Batches: the Batch class, its options, and the typed action view (`batch.actions`)
export { Batch, type BatchClass, type BatchOptions, type LoadOptions, type DumpOptions, type ToArrayOptions } from './batch/batch.js';
export type { ActionsOf, ActionForm, NonActionMember, ParallelCallOptions, ItemOptionValues } from './batch/action-types.js';
export type { ItemView } from './batch/item-view.js';
export type { PreloadedData, DeclaredComponents } from './batch/source.js';

// Images: BatchFlow's ImagesBatch and its image actions (src/images)
export * from './images/index.js';

// Arrays: components are ndarrays whose first axis is the item axis
export { zeros, isNdArray, type NDArray, type DType, type TypedArray } from './ndarray/ndarray-utils.js';
export type { Column } from './ndarray/columns.js';
export { sharedNdarray, toSharedNdarray, isSharedArray } from './ndarray/shared-ndarray.js';

// Decorators: per-item methods become batch actions
export { action, type ActionOptions } from './decorators/action.js';
export { applyParallel } from './decorators/apply-parallel.js';
export { inbatchParallel, type InbatchParallelOptions } from './decorators/inbatch-parallel.js';
export {
  tuple,
  ComponentTuple,
  type ParallelOptions,
  type ParallelDecoratorOptions,
  type SourceSpec,
  type DestinationSpec,
  type InitSpec,
  type PostSpec,
} from './decorators/parallel-options.js';
export type { MethodDecorator } from './decorators/method-decorator.js';
export type { ActionHost } from './decorators/host.js';
export type { ActionRecord, ActionKind } from './decorators/action-record.js';

// Datasets and indices
export { DatasetIndex, type IndexSource, type IndexValue, type BatchIterRest, type CreateBatchOptions } from './dataset/dataset-index.js';
export { FilesIndex, type FilesIndexOptions, type PathsSource } from './dataset/files-index.js';
export {
  Dataset,
  type DatasetOptions,
  type CvSplitOptions,
  type DatasetBatchOptions,
  type FromDatasetOptions,
  type BatchConstructor,
} from './dataset/dataset.js';
export type { TableDatasetOptions, TableDatasetBase, TableFormat } from './dataset/table-dataset.js';
export {
  IterableDataset,
  type IterableDatasetOptions,
  type IterableBatchOptions,
  type IterableSource,
  type SourceKind,
  type SourceItem,
  type SourceValue,
} from './dataset/iterable-dataset.js';
export type { ShuffleBufferOptions } from './dataset/shuffle-buffer.js';
export { IterableSourceError, SourceItemError, NoIndexError } from './dataset/iterable-errors.js';
export { StopIterationError, type IterState, type BatchIterOptions } from './dataset/iteration.js';
export { calcSplit, type SplitShares } from './dataset/calc-split.js';
export type { ShuffleOption } from './dataset/shuffle.js';
export type { IndexSlice } from './util/slice.js';

// Pipelines (PipelineCore is the method set of the Pipeline type; its value is internal)
export { Pipeline, type PipelineCore, type PipelineActions, type PipelineOptions, type OncePipeline } from './pipeline/pipeline.js';
import './pipeline/dataset-pipeline.js'; // dataset.p and dataset.pipeline()
export type { Evaluable, EvaluableOptions, EvaluableArguments, AnyNamedExpression, PipelineApplyParallelOptions } from './pipeline/action-types.js';
export type { RunOptions, RunOptionsInput } from './pipeline/run-options.js';
export type { RunTime } from './pipeline/pipeline-runs.js';
export type { FilterPredicate } from './pipeline/records.js';
export type { CheckpointOptions, ResumeOptions } from './pipeline/checkpoint/options.js';
export { CheckpointError } from './pipeline/checkpoint/checkpoint-error.js';
export type { ProfileEvent } from './pipeline/profile/profiler.js';
export type { ProfileInfo, ProfileRow } from './pipeline/profile/profile-info.js';
export type { ProgressBarOptions, ProgressStream } from './pipeline/progress.js';
export type { MergeFunction } from './pipeline/records.js';
export type { JoinedPipeline } from './pipeline/pipeline.js';
export type { BatchMaker, JoinSource, JoinedBatchOf, JoinedBatches, DropJoined, JoinedActions, MergeOptions } from './pipeline/join-types.js';
export { SkipBatch, StopPipeline, PipelineError, WorkerStateError } from './pipeline/errors.js';
export { portablePipeline } from './pipeline/workers/portable-pipeline.js';
export { Config, MissingKeyError, type ConfigSource } from './config/config.js';

// Named expressions: lazy references evaluated when a pipeline runs a batch
export {
  B,
  V,
  C,
  D,
  I,
  F,
  L,
  W,
  P,
  PP,
  IF,
  R,
  evalExpr,
  NamedExpression,
  PerItem,
  ExpressionError,
  NoPipelineError,
  supportedDistributions,
  type EvalContext,
  type PipelineLike,
  type IterationInfo,
  type SetMode,
  type SetOptions,
  type ExprParams,
  type ExprOptions,
  type ExprOr,
  type Evaluated,
  type EvalOptions,
  type RandomOptions,
  type SliceBound,
  type AddResult,
  type NumericResult,
  type CompareResult,
  type ItemResult,
  type BoundExpression,
  type BatchExpression,
  type VariableExpression,
  type ConfigExpression,
  type DatasetExpression,
  type IterationExpression,
  type FunctionExpression,
  type ListExpression,
  type WrapExpression,
  type PerItemExpression,
  type PerItemEachExpression,
  type ConditionalExpression,
  type RandomExpression,
  type BatchExprOptions,
  type ConfigExprOptions,
  type IterationField,
} from './expr/index.js';
export type { PipelinePreset } from './expr/context.js';
export type { CvExpression, CvPartExpression, CrossValidated, CvPart } from './expr/cv-expression.js';

// Engines: targets, custom engines, worker settings, functions and errors that cross to workers
export { closeEngines, registerEngine, type EngineFactory, type RegisterEngineOptions } from './engines/registry.js';
export { getAutoDecisions, resetAutoDecisions, type AutoDecision, type AutoProbe } from './engines/auto/decisions.js';
export type { EngineRegistry, Target, TargetName } from './engines/target.js';
export type { Engine, EngineRunOptions, ReplyMemory } from './engines/engine.js';
export {
  ItemContext,
  invokeItem,
  itemFailure,
  type ItemFunction,
  type ItemTask,
  type ItemSource,
  type PerItemSource,
  type RngSeeding,
} from './engines/item-task.js';
export { portable, type FunctionReference } from './engines/function-reference.js';
export { configureWorkers, WorkerEngine } from './engines/worker-engine.js';
export type { WorkerSettings } from './engines/transport/worker-settings.js';
export type { ChunkMessage, ChunkResult, Transport, TransportCapabilities, TransportFactory, WorkerWatch } from './engines/transport/transport.js';
export { createThreadsTransport } from './engines/transport/tinypool-threads.js';
export { createProcessesTransport } from './engines/transport/tinypool-processes.js';
export {
  configureQueue,
  createQueueTransport,
  startQueueWorker,
  QueueConnectionError,
  type QueueSettings,
  type QueueWorker,
  type QueueWorkerOptions,
} from './engines/queue/index.js';
export { registerErrorClass, type ErrorClass } from './engines/error-classes.js';
export { Rng } from './random/rng.js';
export type { Mutex } from './concurrency/mutex.js';

// File formats
export {
  registerFormat,
  registeredFormats,
  type RegisterFormatOptions,
  type FormatHandler,
  type FormatLoadOptions,
  type FormatDumpOptions,
} from './io/format-registry.js';
export type { IndexKey, Int64Policy } from './io/table.js';
export type { WholeTable } from './io/table-load.js';
export type { FormatOptions, FormatName, FormatChoice, LoadOptionsFor, DumpOptionsFor } from './io/format-options.js';
export type { CsvLoadOptions, CsvDumpOptions, CsvColumnType } from './io/csv.js';
export type { FeatherLoadOptions, FeatherDumpOptions } from './io/feather.js';
export type { Hdf5LoadOptions, Hdf5DumpOptions } from './io/hdf5.js';
export type { BloscLoadOptions, BloscDumpOptions } from './io/blosc.js';

// Errors
export {
  IoError,
  MissingFileError,
  FileFormatError,
  CorruptFileError,
  MissingColumnError,
  MissingRowError,
  UnsupportedDataError,
  UnsafePickleError,
  LoadLimitError,
} from './io/errors.js';
export { configureLoadLimits, getLoadLimits, type LoadLimits } from './io/load-limits.js';
export {
  BatchflowError,
  ArgumentError,
  ComponentError,
  MissingIdError,
  UnknownTargetError,
  UnknownFormatError,
  ActionError,
  AssembleError,
  TimeoutError,
  NotPortableError,
  WorkerCrashError,
  WorkerSetupError,
  MissingPeerDependencyError,
} from './errors.js';
