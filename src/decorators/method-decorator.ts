/**
 * The type of the legacy (`experimentalDecorators`) method decorators this library returns.
 * @module
 */

/** A legacy method decorator: called with the prototype, the method name and its descriptor. */
export type MethodDecorator = (prototype: object, key: string | symbol, descriptor: PropertyDescriptor) => void;
