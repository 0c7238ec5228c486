/**
 * tsx is an optional peer dependency: it is imported only to load a TypeScript module (on a worker,
 * or in the docs command). When it is not installed, the user gets a {@link MissingPeerDependencyError}
 * saying so, not a bare ERR_MODULE_NOT_FOUND.
 * @module
 */
import { MissingPeerDependencyError } from '../errors.js';
import { nearestTsconfig } from '../util/module-files.js';

/** tsx's programmatic ESM API (the part batchflow-ts uses). */
export interface TsxEsmApi {
  register(options?: { tsconfig?: string }): unknown;
}

/** True when `error` says that the package `name` could not be found. */
function isMissingPackage(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : '';
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && (message.includes(`'${name}'`) || message.includes(`'${name}/`));
}

/**
 * The error to throw when importing tsx failed while loading `file`: a MissingPeerDependencyError when
 * tsx is not installed, `error` itself otherwise. `where` follows the file name in the message.
 */
export function tsxLoadError(error: unknown, file: string, where: string): unknown {
  return isMissingPackage(error, 'tsx') ? new MissingPeerDependencyError('tsx', file, where, { cause: error }) : error;
}

/** Imports tsx's ESM API to load `file`; throws a MissingPeerDependencyError when tsx is not installed. */
export async function importTsxApi(file: string, where: string): Promise<TsxEsmApi> {
  try {
    return (await import('tsx/esm/api')) as TsxEsmApi;
  } catch (error) {
    throw tsxLoadError(error, file, where);
  }
}

const tsxRegistrations = new Map<string, Promise<void>>();

/**
 * Registers tsx (once per tsconfig) so `file`, a TypeScript module, can be imported: with
 * `$BATCHFLOW_TSCONFIG` or the tsconfig.json nearest to `file`, so legacy decorators compile. A missing
 * tsx is a MissingPeerDependencyError naming `file` and `where`.
 */
export async function registerTsxFor(file: string, where: string): Promise<void> {
  const tsconfig = process.env.BATCHFLOW_TSCONFIG ?? nearestTsconfig(file);
  const key = tsconfig ?? '';
  let registration = tsxRegistrations.get(key);
  if (!registration) {
    registration = importTsxApi(file, where).then(({ register }) => {
      register(tsconfig === undefined ? {} : { tsconfig });
    });
    registration.catch(() => tsxRegistrations.delete(key));
    tsxRegistrations.set(key, registration);
  }
  await registration;
}
