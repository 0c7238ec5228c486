// The script every 'threads' / 'mpc' worker runs (plain JavaScript, loaded by tinypool as is).
// It loads the worker runtime (TypeScript through tsx when running from sources, compiled
// JavaScript otherwise) and imports user modules. tsx is registered once per worker, with
// $BATCHFLOW_TSCONFIG or the tsconfig.json nearest to the first TypeScript module loaded (the runtime's
// own when running from sources): loader hooks chain, so a second registration would not take effect.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Marks this thread/process as a batchflow-ts worker: a worker engine started from here (typically a
// user script whose main code runs again when a worker imports its module) is refused, not recursed into.
globalThis[Symbol.for('batchflow-ts:in-worker')] = true;

// A child process ('mpc') whose parent is gone exits at once: it would otherwise spin on a broken IPC
// channel. The channel's 'disconnect' event says so; a changed parent pid is the fallback check.
if (typeof process.send === 'function') {
  const exitOrphan = () => process.exit(1);
  process.once('disconnect', exitOrphan);
  const parent = process.ppid;
  globalThis
    .setInterval(() => {
      if (process.ppid !== parent || !process.connected) exitOrphan();
    }, 250)
    .unref();
}

let tsxRegistration = null;

function nearestTsconfig(file) {
  for (let directory = dirname(file); ; directory = dirname(directory)) {
    const candidate = join(directory, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(directory) === directory) return undefined;
  }
}

// tsx is an optional peer dependency: imported only for the first .ts module (or for the runtime
// itself when running from sources).
function registerTsx(file) {
  tsxRegistration ??= import('tsx/esm/api').then(({ register }) => {
    register({ tsconfig: process.env.BATCHFLOW_TSCONFIG ?? nearestTsconfig(file) });
  });
  return tsxRegistration;
}

// For user modules: a missing tsx becomes the runtime's typed MissingPeerDependencyError, which the
// caller receives with its class (the runtime is compiled JavaScript where tsx may be missing).
async function ensureTsx(file) {
  try {
    await registerTsx(file);
  } catch (error) {
    const { tsxLoadError } = await loadRuntime();
    throw tsxLoadError(error, file, 'on a worker');
  }
}

// Each module is imported once per worker: a repeated import() still goes through the loader hooks
// (a synchronous round trip to tsx's hooks thread), which costs more than a small chunk of work.
const modules = new Map();

function importModule(file) {
  let loading = modules.get(file);
  if (!loading) {
    loading = (async () => {
      if (/\.[cm]?tsx?$/.test(file)) await ensureTsx(file);
      return import(pathToFileURL(file).href);
    })();
    loading.catch(() => modules.delete(file));
    modules.set(file, loading);
  }
  return loading;
}

const runtimeSource = fileURLToPath(new URL('./worker-runtime.ts', import.meta.url));
let runtime = null;

function loadRuntime() {
  runtime ??= existsSync(runtimeSource)
    ? registerTsx(runtimeSource).then(() => import(pathToFileURL(runtimeSource).href))
    : import(new URL('./worker-runtime.js', import.meta.url).href);
  return runtime;
}

// An error thrown outside the task's own call stack (a timer, an unawaited promise) fails the task
// that is running, with that error, instead of killing the worker without a message.
let failRunningTask = null;
function onStrayError(error) {
  if (failRunningTask) failRunningTask(error);
  else console.error('batchflow-ts worker: error outside any task:', error);
}
process.on('uncaughtException', onStrayError);
process.on('unhandledRejection', onStrayError);

export default async function runTask(message) {
  const { runChunk } = await loadRuntime();
  return new Promise((resolve, reject) => {
    failRunningTask = (error) => reject(error instanceof Error ? error : new Error(String(error)));
    runChunk(message, importModule)
      .then(resolve, reject)
      .finally(() => {
        failRunningTask = null;
      });
  });
}
