/**
 * Finds the module that is being evaluated when a decorator runs, from the stack trace. Worker
 * engines import that module to find the class again (functions travel by reference, not closure).
 * @module
 */
import { fileURLToPath } from 'node:url';

const stackFile = /\(?((?:file:\/\/|\/|[A-Za-z]:\\)[^():]+?)(?::\d+)+\)?\s*$/;
const libraryDecoratorsDirectory = fileURLToPath(new URL('.', import.meta.url));

function isLibraryFrame(file: string): boolean {
  return file.startsWith(libraryDecoratorsDirectory) || file.includes('/node_modules/reflect-metadata/') || file.startsWith('node:');
}

/** The absolute path of the first stack frame outside this library's decorators, or undefined. */
export function definingModuleFromStack(): string | undefined {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const match = stackFile.exec(line.trim());
    if (!match) continue;
    const raw = match[1]!;
    const file = raw.startsWith('file://') ? fileURLToPath(raw) : raw;
    if (!isLibraryFrame(file)) return file;
  }
  return undefined;
}
