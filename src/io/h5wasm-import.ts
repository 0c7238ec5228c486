/**
 * Imports `h5wasm/node` without letting a TypeScript loader transform it.
 *
 * tsx's loader runs every imported module through its transforms; for h5wasm's 4 MB Emscripten module
 * (the WASM binary is inlined) that costs seconds of CPU on each start (dynamic-import rewriting with a
 * source map), against ~0.4 s under plain node. tsx leaves alone the modules of a namespace other than
 * its own — the `tsx-namespace` query of a module's URL, which the modules it imports inherit — so
 * h5wasm is imported from its resolved file URL with such a query. Node itself ignores the query. If
 * the URL cannot be resolved or imported (another loader, a bundler), the bare specifier is imported.
 * @module
 */
type H5wasmNamespace = typeof import('h5wasm/node');

const SPECIFIER = 'h5wasm/node';
/** A namespace no tsx registration uses, so tsx passes h5wasm's modules through untransformed. */
const PASS_THROUGH_QUERY = '?tsx-namespace=batchflow-ts-untransformed';

/** The file URL of `h5wasm/node`, or null where `import.meta.resolve` is not available. */
function resolvedUrl(): string | null {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  if (typeof resolve !== 'function') return null;
  try {
    const url = resolve(SPECIFIER);
    return url.startsWith('file:') ? url : null;
  } catch {
    return null;
  }
}

/**
 * The `h5wasm/node` module namespace (not yet initialised: await its `ready`). `instance` > 0 imports
 * a fresh copy of the module (its own WASM memory), used after a WASM abort left the first unusable.
 */
export async function importH5wasm(instance = 0): Promise<H5wasmNamespace> {
  const url = resolvedUrl();
  if (url !== null) {
    try {
      return (await import(url + PASS_THROUGH_QUERY + (instance > 0 ? `&instance=${instance}` : ''))) as H5wasmNamespace;
    } catch {
      // fall through to the bare specifier
    }
  }
  return import(SPECIFIER);
}

/** The initialised h5wasm module and its classes. */
export type H5Module = H5wasmNamespace['default'];
export type H5File = InstanceType<H5Module['File']>;
export type H5Group = InstanceType<H5Module['Group']>;
export type H5Dataset = InstanceType<H5Module['Dataset']>;

let modulePromise: Promise<H5Module> | undefined;
let instances = 0;

/**
 * Drops the h5wasm module after its WASM code aborted (a `RuntimeError`: abort, out-of-bounds memory
 * access): an aborted Emscripten module refuses every later call, so the next {@link loadH5wasm}
 * imports and initialises a fresh instance. Files the old instance had open are abandoned.
 */
export function resetH5wasm(): void {
  modulePromise = undefined;
  instances += 1;
}

/** The h5wasm module, imported and initialised on first use (and after {@link resetH5wasm}). */
export async function loadH5wasm(): Promise<H5Module> {
  modulePromise ??= importH5wasm(instances).then(async (imported) => {
    const h5wasm = imported.default;
    await h5wasm.ready;
    return h5wasm;
  });
  return modulePromise;
}
