/**
 * Builds the {@link ActionReference} from the registry: the docs generator only READS decorator
 * records (`getActions`) and the class-level `applyDefaults` merge (`mergedApplyDefaults`); the
 * sources add summaries and option types (see `source-info.ts`).
 * @module
 */
import { relative, sep } from 'node:path';
import { Batch } from '../batch/batch.js';
import { inbatchParallelDefaults, mergedApplyDefaults } from '../batch/parallel-dispatch.js';
import type { ActionKind } from '../decorators/action-record.js';
import { ComponentTuple } from '../decorators/parallel-options.js';
import { getActions, type ResolvedAction } from '../decorators/registry.js';
import type { ActionDoc, ActionReference, ApplyDefaultsLayer, ClassDoc, DefaultDoc, OptionDoc } from './model.js';
import { SourceInspector, type MethodInfo } from './source-info.js';
import { loadTypeScript } from './typescript-loader.js';

/** A Batch class as the generator sees it: any constructor whose prototype chain reaches a `Batch`. */
export type AnyBatchClass = abstract new (...args: never[]) => unknown;

/** One module to document: its exports (an imported namespace) and, when known, its file. */
export interface ModuleSource {
  /** Absolute path of the module file (used to find re-exported classes and to show where they come from). */
  readonly path?: string;
  /** The module namespace (`await import(...)`) or any record of exported values. */
  readonly exports: Readonly<Record<string, unknown>>;
}

/** Options of {@link buildActionReference}. */
export interface BuildOptions {
  /** Paths in the output are relative to this directory (default: the current directory). */
  readonly root?: string;
  /** Page title (default `Action reference`). */
  readonly title?: string;
  /** Read summaries and option types from the sources with the TypeScript compiler API (default true). */
  readonly readSources?: boolean;
  /**
   * Directory from which the `typescript` package is resolved (default: the current directory);
   * batchflow-ts's own location is tried after it. It must be `typescript` >=5.0 <7 (see `supportedTypeScript`).
   */
  readonly typescriptFrom?: string;
}

/** What an `@inbatchParallel` starts from instead of `applyDefaults` (mirrors the runtime in `Batch`). */
const inbatchParallelBase = inbatchParallelDefaults;

/** Order of well-known options in the defaults tables; other options follow in declaration order. */
const knownOptionOrder = ['src', 'dst', 'dstDefault', 'init', 'post', 'target', 'p', 'requiresRng', 'rngSeeds', 'nWorkers', 'chunkSize', 'timeout', 'args'];

function isBatchConstructor(value: { readonly name: string }): boolean {
  return value.name === 'Batch' && Object.prototype.hasOwnProperty.call(value, 'applyDefaults') && Object.prototype.hasOwnProperty.call(value, 'components');
}

/** True when `value` is `Batch` or a subclass of it (also a `Batch` from another copy of the library). */
export function isBatchClass(value: unknown): value is AnyBatchClass {
  if (typeof value !== 'function' || typeof value.prototype !== 'object' || value.prototype === null) return false;
  if (value === Batch || value.prototype instanceof Batch) return true;
  for (let current: unknown = value; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    if (isBatchConstructor(current)) return true;
  }
  return false;
}

function parentClass(cls: AnyBatchClass): AnyBatchClass | undefined {
  const parent: unknown = Object.getPrototypeOf(cls);
  return isBatchClass(parent) ? parent : undefined;
}

/** The classes from `cls` up to the root `Batch`, root first. */
function classChain(cls: AnyBatchClass): AnyBatchClass[] {
  const chain: AnyBatchClass[] = [];
  for (let current: AnyBatchClass | undefined = cls; current; current = parentClass(current)) chain.unshift(current);
  return chain;
}

/** Writes a default value as code: `'images'`, `null`, `tuple('a', 'b')`, `[1, 2]`, `function blur`. */
export function formatValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return value.name ? `function ${value.name}` : 'function';
  if (value instanceof ComponentTuple || (value as { constructor?: { name?: string } }).constructor?.name === 'ComponentTuple') {
    return `tuple(${(value as ComponentTuple).names.map(formatValue).join(', ')})`;
  }
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength})`;
  const shape = (value as { shape?: unknown }).shape;
  if (Array.isArray(shape) && 'data' in (value as object)) return `ndarray([${shape.join(', ')}])`;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, entry]) => `${/^[A-Za-z_$][\w$]*$/.test(key) ? key : formatValue(key)}: ${formatValue(entry)}`);
    return entries.length === 0 ? '{}' : `{ ${entries.join(', ')} }`;
  }
  return `${(value as { constructor?: { name?: string } }).constructor?.name ?? 'object'} instance`;
}

function sortDefaults(defaults: DefaultDoc[]): DefaultDoc[] {
  const rank = (name: string): number => {
    const index = knownOptionOrder.indexOf(name);
    return index < 0 ? knownOptionOrder.length : index;
  };
  return defaults.map((entry, order) => ({ entry, order })).sort((a, b) => rank(a.entry.name) - rank(b.entry.name) || a.order - b.order).map(({ entry }) => entry);
}

/** Applies layers left to right like the runtime does (an `undefined` value never overrides). */
function mergeLayers(layers: ReadonlyArray<{ from: string; values: Readonly<Record<string, unknown>> }>): DefaultDoc[] {
  const merged = new Map<string, DefaultDoc>();
  for (const { from, values } of layers) {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) continue;
      merged.set(name, { name, value, display: formatValue(value), from });
    }
  }
  return sortDefaults([...merged.values()]);
}

function ownApplyDefaultsLayers(cls: AnyBatchClass): Array<{ from: string; className: string; values: Readonly<Record<string, unknown>> }> {
  return classChain(cls)
    .filter((current) => Object.prototype.hasOwnProperty.call(current, 'applyDefaults'))
    .map((current) => ({ from: `${current.name}.applyDefaults`, className: current.name, values: (current as unknown as { applyDefaults: Readonly<Record<string, unknown>> }).applyDefaults ?? {} }));
}

/** The merged `applyDefaults` of `cls`, each entry with the class it comes from. */
function classDefaults(cls: AnyBatchClass): DefaultDoc[] {
  const attributed = mergeLayers(ownApplyDefaultsLayers(cls));
  // The values are the runtime's own merge; the layer walk above only says where each one comes from.
  const runtime = mergedApplyDefaults(cls);
  return attributed.filter((entry) => Object.prototype.hasOwnProperty.call(runtime, entry.name)).map((entry) => ({ ...entry, value: runtime[entry.name], display: formatValue(runtime[entry.name]) }));
}

function effectiveDefaults(cls: AnyBatchClass, record: ResolvedAction): DefaultDoc[] {
  const decorator = { from: `@${record.kind}`, values: record.defaults };
  switch (record.kind) {
    case 'applyParallel': {
      const merged = new Map(classDefaults(cls).map((entry) => [entry.name, entry]));
      for (const entry of mergeLayers([decorator])) merged.set(entry.name, entry);
      return sortDefaults([...merged.values()]);
    }
    case 'inbatchParallel':
      return mergeLayers([{ from: 'inbatchParallel default', values: inbatchParallelBase }, decorator]);
    default:
      return [];
  }
}

/** The class in `cls`'s chain whose body declares action `name` (its record is not inherited there). */
function declaringClass(cls: AnyBatchClass, name: string): AnyBatchClass | undefined {
  for (let current: AnyBatchClass | undefined = cls; current; current = parentClass(current)) {
    const record = getActions(current).get(name);
    if (record && !record.inherited) return current;
  }
  return undefined;
}

function overriddenAction(cls: AnyBatchClass, record: ResolvedAction): string | undefined {
  if (!record.overrides) return undefined;
  const declaring = declaringClass(cls, record.name);
  const parent = declaring ? parentClass(declaring) : undefined;
  const parentRecord = parent ? getActions(parent).get(record.name) : undefined;
  return parentRecord ? `${parentRecord.className}.${record.name}` : undefined;
}

function displayPath(file: string | undefined, root: string): string | undefined {
  if (file === undefined) return undefined;
  return relative(root, file).split(sep).join('/');
}

function optionsWithDefaults(options: MethodInfo['options'], defaults: readonly DefaultDoc[]): OptionDoc[] | undefined {
  if (!options) return undefined;
  const byName = new Map(defaults.map((entry) => [entry.name, entry.display]));
  return options.map((option) => ({ ...option, default: byName.get(option.name) }));
}

function actionDoc(cls: AnyBatchClass, record: ResolvedAction, info: MethodInfo | undefined, root: string): ActionDoc {
  const defaults = effectiveDefaults(cls, record);
  const summary = record.summary ?? info?.summary;
  return {
    name: record.name,
    kind: record.kind,
    definedIn: record.className,
    definingModule: displayPath(record.definingModule, root),
    inherited: record.inherited,
    overrides: record.overrides,
    overridden: overriddenAction(cls, record),
    summary,
    summarySource: record.summary !== undefined ? 'decorator' : summary !== undefined ? 'tsdoc' : undefined,
    innerName: record.innerName,
    useLock: record.useLock,
    noEval: record.noEval,
    defaults,
    optionsType: info?.optionsType,
    options: optionsWithDefaults(info?.options, defaults),
    parameters: info?.parameters,
    returnType: info?.returnType,
  };
}

/** Every Batch class exported by `modules`, each once (with all its export names): parents first, else in module and export order. */
export function collectBatchClasses(modules: readonly ModuleSource[]): Array<{ cls: AnyBatchClass; exportNames: string[]; module: ModuleSource }> {
  const found = new Map<AnyBatchClass, { cls: AnyBatchClass; exportNames: string[]; module: ModuleSource }>();
  for (const module of modules) {
    for (const [exportName, value] of Object.entries(module.exports)) {
      if (!isBatchClass(value)) continue;
      const entry = found.get(value);
      if (entry) entry.exportNames.push(exportName);
      else found.set(value, { cls: value, exportNames: [exportName], module });
    }
  }
  // Namespace objects list exports alphabetically: put every parent before its subclasses.
  const ordered: Array<{ cls: AnyBatchClass; exportNames: string[]; module: ModuleSource }> = [];
  const place = (cls: AnyBatchClass): void => {
    const entry = found.get(cls);
    if (!entry || ordered.includes(entry)) return;
    const parent = parentClass(cls);
    if (parent) place(parent);
    ordered.push(entry);
  };
  for (const cls of found.keys()) place(cls);
  return ordered;
}

const optionsParameterOf: Record<ActionKind, 1 | 'auto'> = { action: 'auto', applyParallel: 1, inbatchParallel: 1 };

/**
 * Builds the action reference for every Batch class exported by `modules`: each action with its
 * kind, effective defaults, options and types, inherited/overridden flags, summary and inner method.
 */
export async function buildActionReference(modules: readonly ModuleSource[], options: BuildOptions = {}): Promise<ActionReference> {
  const root = options.root ?? process.cwd();
  const warnings: string[] = [];
  const classes = collectBatchClasses(modules);
  let inspector: SourceInspector | undefined;
  let sourcesMissing: string | undefined;
  if (options.readSources !== false) {
    const lookup = loadTypeScript([options.typescriptFrom ?? process.cwd()]);
    if (lookup.typescript) inspector = SourceInspector.create(lookup.typescript);
    else warnings.push((sourcesMissing = lookup.problem ?? 'the TypeScript compiler API is not available'));
  }

  const recordsOf = new Map(classes.map(({ cls }) => [cls, getActions(cls)]));
  if (inspector) {
    const files = new Set<string>();
    for (const { module } of classes) if (module.path) files.add(module.path);
    for (const records of recordsOf.values()) for (const record of records.values()) if (record.definingModule) files.add(record.definingModule);
    inspector.prepare(files);
  }

  const docs: ClassDoc[] = classes.map(({ cls, exportNames, module }) => {
    const records = recordsOf.get(cls)!;
    const ownModule = [...records.values()].find((record) => !record.inherited && record.definingModule)?.definingModule;
    const classFile = ownModule ?? module.path;
    const classInfo = inspector && classFile ? inspector.classInfo(classFile, cls.name, exportNames[0]) : undefined;
    const actions = [...records.values()].map((record) => {
      const info = inspector && record.definingModule ? inspector.methodInfo(record.definingModule, record.className, record.name, optionsParameterOf[record.kind]) : undefined;
      if (inspector && record.definingModule && !info) warnings.push(`${cls.name}.${record.name}: no declaration of ${record.className}.${record.name} found in ${displayPath(record.definingModule, root)}`);
      return actionDoc(cls, record, info, root);
    });
    const layers: ApplyDefaultsLayer[] = ownApplyDefaultsLayers(cls).map(({ className, from, values }) => ({ className, entries: mergeLayers([{ from, values }]) }));
    const components = (cls as unknown as { components?: readonly string[] | null }).components;
    return {
      name: cls.name,
      exportNames,
      parent: parentClass(cls)?.name,
      module: displayPath(classInfo?.file ?? classFile, root),
      summary: classInfo?.summary,
      components: Array.isArray(components) ? [...components] : null,
      applyDefaults: classDefaults(cls),
      applyDefaultsLayers: layers,
      actions,
    };
  });

  return {
    title: options.title ?? 'Action reference',
    modules: modules.flatMap((module) => (module.path ? [displayPath(module.path, root)!] : [])),
    classes: docs,
    warnings,
    ...(sourcesMissing === undefined ? {} : { sourcesMissing }),
  };
}
