/**
 * Batch attributes: extra named values a batch carries (constructor options that are not its own,
 * `createAttrs`), kept as enumerable own properties and listed in the order they were first set.
 * @module
 */
import { ArgumentError } from '../errors.js';

const reservedAttributeNames = new Set(['dataset', 'pipeline', 'preloaded', 'copy']);

/** The attribute names of one batch and the properties they live in. */
export class AttributeSet {
  readonly #names: string[] = [];
  readonly #target: object;

  constructor(target: object) {
    this.#target = target;
  }

  /** Sets attributes; a name that is reserved, a component or another member is an ArgumentError. */
  set(attributes: Readonly<Record<string, unknown>>): void {
    const target = this.#target;
    for (const [name, value] of Object.entries(attributes)) {
      if (reservedAttributeNames.has(name) || (!this.#names.includes(name) && name in target)) {
        throw new ArgumentError(name, `cannot be a batch attribute: it is a component or member of ${target.constructor.name}`);
      }
      Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
      if (!this.#names.includes(name)) this.#names.push(name);
    }
  }

  /** The attributes, `{name: value}` (a missing value reads as null). */
  get(): Record<string, unknown> {
    const values = this.#target as Record<string, unknown>;
    return Object.fromEntries(this.#names.map((name) => [name, values[name] ?? null]));
  }
}
