/**
 * `FilesIndex`: an index whose ids are file (or directory) names found by glob patterns, with a
 * map from each id to its full path.
 * @module
 */
import path from 'node:path';
import { globSync } from 'tinyglobby';
import { ArgumentError, MissingIdError } from '../errors.js';
import { DatasetIndex, trustedIds, type IndexSource, type IndexValue } from './dataset-index.js';
import { isTrustedIds } from './index-ids.js';

/** A map from id to path: a Map, a record keyed by id, or an array aligned with the index positions. */
export type PathsSource = ReadonlyMap<IndexValue, string> | Readonly<Record<string, string>> | readonly string[];

/** Options of a FilesIndex: either `path` (globs) or `index` + `paths`. */
export interface FilesIndexOptions {
  /**
   * A glob or a list of globs (`*`, `?`, `[...]`, `{a,b}`, and `**` for any depth). `*` does not match
   * names starting with a dot. Relative globs give paths relative to the working directory,
   * absolute globs give absolute paths.
   */
  path?: string | readonly string[];
  /** Index directories instead of files (default false). */
  dirs?: boolean;
  /** Ids without their extension (from the last dot; a leading dot is kept: `.hidden`, `w.tar.gz` → `w.tar`). */
  noExt?: boolean;
  /**
   * Sort the ids ascending (default false: the globs in the given order, each glob's matches sorted by
   * path; unlike the reference, which used the file-system order, both orders are the same on every machine).
   */
  sort?: boolean;
  /** Ids of an index built from known paths (with `paths`). */
  index?: IndexSource;
  /** The path of each id of `index`. Without it, `index` must be a FilesIndex (its paths are kept). */
  paths?: PathsSource;
}

/** Python's `os.path.splitext(name)[0]`: cuts the last extension unless the name is all leading dots before it. */
export function stripExtension(name: string): string {
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return name;
  for (let i = 0; i < dot; i++) if (name[i] !== '.') return name.slice(0, dot);
  return name;
}

function globPaths(patterns: readonly string[], dirs: boolean): string[] {
  const found: string[] = [];
  for (const pattern of patterns) {
    if (pattern === '') {
      process.emitWarning(`FilesIndex: the glob '' matches nothing`, 'BatchflowWarning');
      continue;
    }
    const absolute = path.isAbsolute(pattern);
    const matches = globSync(pattern, { absolute, onlyFiles: !dirs, onlyDirectories: dirs, expandDirectories: false, dot: false, followSymbolicLinks: true });
    if (matches.length === 0) process.emitWarning(`FilesIndex: the glob '${pattern}' matches nothing`, 'BatchflowWarning');
    const cleaned = matches.map((match) => (match.length > 1 && match.endsWith('/') ? match.slice(0, -1) : match));
    cleaned.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    found.push(...cleaned);
  }
  return found;
}

/** An index of files or directories: ids are base names, `paths` maps each id to its full path. */
export class FilesIndex extends DatasetIndex {
  #paths: Map<IndexValue, string> = new Map();
  #dirs = false;

  /**
   * `new FilesIndex({path: 'data/*.png', noExt: true, sort: true})`, or
   * `new FilesIndex({index: ['a.png', 'b.png'], paths: {...}})`. A glob that matches nothing only
   * warns, so a FilesIndex may be empty.
   * @throws ArgumentError for an empty list of globs, two files with the same id, or ids without a path;
   *   TypeError for a glob that is not a string.
   */
  constructor(options: FilesIndexOptions) {
    const built = FilesIndex.#build(options);
    super(built.source);
    this.#paths = built.paths;
    this.#dirs = built.dirs;
  }

  static #build(options: FilesIndexOptions): { source: IndexSource; paths: Map<IndexValue, string>; dirs: boolean } {
    if (isTrustedIds(options)) return { source: options as IndexSource, paths: new Map(), dirs: false }; // from deriveIndex: paths are attached afterwards
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new TypeError(
        `FilesIndex: expected an options object {path, dirs, noExt, sort} or {index, paths}, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`,
      );
    }
    const { path: globs, dirs = false, noExt = false, sort = false, index, paths } = options;
    if (globs !== undefined && index !== undefined) throw new ArgumentError('path', 'give either path (globs) or index (with paths), not both');
    if (globs === undefined) {
      if (index === undefined) throw new ArgumentError('path', 'give path (a glob or a list of globs) or index with paths');
      return FilesIndex.#fromIndex(index, paths, dirs);
    }
    const patterns: readonly unknown[] =
      typeof globs === 'string'
        ? [globs]
        : Array.isArray(globs)
          ? globs
          : (() => {
              throw new TypeError(`path: expected a glob string or a list of them, got ${globs === null ? 'null' : typeof globs}`);
            })();
    if (patterns.length === 0) throw new ArgumentError('path', 'the list of globs is empty');
    patterns.forEach((pattern, i) => {
      if (typeof pattern !== 'string') throw new TypeError(`path: every glob must be a string; entry ${i} is ${pattern === null ? 'null' : typeof pattern}`);
    });
    const found = globPaths(patterns as string[], dirs);
    const byId = new Map<IndexValue, string>();
    const ids: string[] = [];
    for (const fullPath of found) {
      const base = path.basename(fullPath);
      const id = noExt ? stripExtension(base) : base;
      const previous = byId.get(id);
      if (previous !== undefined) {
        if (previous === fullPath) continue; // the same file matched by two globs
        throw new ArgumentError(
          'path',
          `two ${dirs ? 'directories' : 'files'} have the same id '${id}': '${previous}' and '${fullPath}' (ids are base names${noExt ? ' without extension' : ''}; the index needs unique ids)`,
        );
      }
      byId.set(id, fullPath);
      ids.push(id);
    }
    if (sort) ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return { source: trustedIds(ids, true), paths: byId, dirs };
  }

  static #fromIndex(index: IndexSource, paths: PathsSource | undefined, dirs: boolean): { source: IndexSource; paths: Map<IndexValue, string>; dirs: boolean } {
    const resolved = index instanceof DatasetIndex ? index : new DatasetIndex(index);
    const ids = resolved.indices;
    let lookup: (id: IndexValue, position: number) => string | undefined;
    if (paths === undefined) {
      if (!(resolved instanceof FilesIndex))
        throw new ArgumentError('paths', 'an index that is not a FilesIndex needs paths (a Map, a record or an array of paths)');
      return {
        source: trustedIds([...ids], true),
        paths: new Map(ids.map((id) => [id, resolved.#paths.get(id)!] as const).filter(([, p]) => p !== undefined)),
        dirs: dirs || resolved.#dirs,
      };
    }
    if (paths instanceof Map) lookup = (id) => paths.get(id);
    else if (Array.isArray(paths)) {
      if (paths.length !== ids.length) throw new ArgumentError('paths', `an array of paths must have one path per id (${ids.length}), got ${paths.length}`);
      lookup = (_, position) => (paths as readonly string[])[position];
    } else if (paths !== null && typeof paths === 'object')
      lookup = (id) => (Object.prototype.hasOwnProperty.call(paths, String(id)) ? (paths as Record<string, string>)[String(id)] : undefined);
    else throw new TypeError(`paths: expected a Map, a record or an array of paths, got ${paths === null ? 'null' : typeof paths}`);
    const map = new Map<IndexValue, string>();
    const missing: IndexValue[] = [];
    ids.forEach((id, position) => {
      const p = lookup(id, position);
      if (typeof p !== 'string') missing.push(id);
      else map.set(id, p);
    });
    if (missing.length > 0)
      throw new ArgumentError(
        'paths',
        `no path given for ${missing.length} id(s): ${missing
          .slice(0, 10)
          .map((id) => JSON.stringify(id))
          .join(', ')}${missing.length > 10 ? ', …' : ''}`,
      );
    return { source: trustedIds([...ids], true), paths: map, dirs };
  }

  /** The full path of each id (as the glob returned it: relative globs give relative paths). */
  get paths(): ReadonlyMap<IndexValue, string> {
    return this.#paths;
  }

  /** True when the index holds directories. */
  get dirs(): boolean {
    return this.#dirs;
  }

  /** The full path of `id`. @throws MissingIdError when the index has no path for it. */
  getFullpath(id: IndexValue): string {
    const fullPath = this.#paths.get(id);
    if (fullPath === undefined) throw new MissingIdError([id], 'the paths of the FilesIndex');
    return fullPath;
  }

  /** Subsets, batches and split parts keep the paths of their ids and `dirs`. */
  protected override deriveIndex(ids: IndexValue[]): this {
    const Ctor = this.constructor as new (options: FilesIndexOptions) => this;
    const derived = new Ctor(trustedIds(ids, true) as FilesIndexOptions);
    const paths = new Map<IndexValue, string>();
    for (const id of ids) {
      const fullPath = this.#paths.get(id);
      if (fullPath !== undefined) paths.set(id, fullPath);
    }
    derived.#paths = paths;
    derived.#dirs = this.#dirs;
    return derived;
  }

  /**
   * A FilesIndex over this index's ids followed by the others'; paths are merged.
   * @throws ArgumentError when two indices give one id different paths.
   */
  override concat(...others: readonly IndexSource[]): this {
    const merged = new Map(this.#paths);
    for (const other of others) {
      if (!(other instanceof FilesIndex)) continue;
      for (const [id, fullPath] of other.#paths) {
        const previous = merged.get(id);
        if (previous !== undefined && previous !== fullPath)
          throw new ArgumentError('others', `id '${String(id)}' has two paths: '${previous}' and '${fullPath}'`);
        merged.set(id, fullPath);
      }
    }
    const joined = super.concat(...others);
    joined.#paths = new Map([...merged].filter(([id]) => joined.has(id)));
    return joined;
  }
}
