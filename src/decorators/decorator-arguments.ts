/** Helpers shared by the decorators: call-shape detection and argument checks. */

/** True when a decorator was applied bare (`@action`) rather than called (`@action({...})`). */
export function isBareDecoratorCall(args: readonly unknown[]): args is [object, string | symbol, PropertyDescriptor] {
  return args.length === 3 && typeof args[0] === 'object' && args[0] !== null && (typeof args[1] === 'string' || typeof args[1] === 'symbol');
}

/** True for the context object a TC39 (stage 3) decorator receives as its second argument. */
function isTc39Context(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'kind' in value;
}

/** The error for a decorator applied by TC39 (stage 3) decorators instead of legacy ones. */
function legacyDecoratorsNeeded(decorator: string): TypeError {
  return new TypeError(
    `@${decorator} was applied as a TC39 (stage 3) decorator; batchflow-ts needs legacy decorators: set "experimentalDecorators": true in the tsconfig.json that compiles this file (for tsx, the file must be in that tsconfig's "include"; "emitDecoratorMetadata" is not needed)`,
  );
}

/**
 * Throws a TypeError unless the decorator received at most one options object. A bare decorator
 * applied by TC39 decorators (`(value, context)`) gets the message that legacy decorators are needed.
 */
export function assertOptionsObject(decorator: string, args: readonly unknown[]): void {
  if (args.length === 2 && isTc39Context(args[1])) throw legacyDecoratorsNeeded(decorator);
  if (args.length > 1 || (args.length === 1 && args[0] !== undefined && (typeof args[0] !== 'object' || args[0] === null || Array.isArray(args[0])))) {
    throw new TypeError(`@${decorator} accepts one options object (for example @${decorator}({ target: 'for' })), got ${args.length} argument(s)`);
  }
}

/** Throws a TypeError unless `descriptor` holds a method. */
export function assertMethod(
  decorator: string,
  prototype: object,
  key: string | symbol,
  descriptor: PropertyDescriptor | undefined,
): asserts descriptor is PropertyDescriptor & { value: (...args: never[]) => unknown } {
  if (isTc39Context(key)) {
    throw legacyDecoratorsNeeded(decorator);
  }
  if (typeof key !== 'string') throw new TypeError(`@${decorator} needs a method with a string name, got ${String(key)}`);
  if (!descriptor || typeof descriptor.value !== 'function') {
    const owner = (prototype as { constructor?: { name?: string } }).constructor?.name ?? 'class';
    throw new TypeError(`@${decorator} can only decorate methods; ${owner}.${key} is not a method`);
  }
}
