/**
 * Runtime lists of option names checked against the option interfaces they mirror, so each option
 * list is declared once (as an interface) and a missing or unknown name fails to compile.
 * @module
 */

/** The names of `T` that `Names` does not list (never when the list is complete). */
type MissingNames<T, Names extends readonly PropertyKey[]> = Exclude<keyof T, Names[number]>;

/**
 * `optionNames<Options>()([...names])` returns the names unchanged, typed as a tuple; it compiles
 * only when the names are exactly the keys of `Options` (each listed, none unknown).
 */
export function optionNames<T>(): OptionNamesOf<T> {
  return (names) => names;
}

/** The checker returned by {@link optionNames}. */
export type OptionNamesOf<T> = <const Names extends readonly (keyof T & string)[]>(
  names: Names & ([MissingNames<T, Names>] extends [never] ? unknown : { readonly missingOptionNames: MissingNames<T, Names> }),
) => Names;
