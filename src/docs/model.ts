/**
 * The action reference as data: what the docs generator reads from the registry (and from the
 * sources, for summaries and option types) before rendering it as Markdown or HTML.
 * @module
 */
import type { ActionKind } from '../decorators/action-record.js';

/** One effective default of a parallel action, with the layer it comes from. */
export interface DefaultDoc {
  /** Option name (`src`, `target`, or an item function option such as `dtype`). */
  readonly name: string;
  /** The value, as the runtime will use it. */
  readonly value: unknown;
  /** The value written as code (`'images'`, `null`, `tuple('images', 'masks')`). */
  readonly display: string;
  /** Where it comes from: `Batch.applyDefaults`, `MyBatch.applyDefaults`, `@applyParallel` or `@inbatchParallel`. */
  readonly from: string;
}

/** One option an action accepts (a property of its options parameter). */
export interface OptionDoc {
  /** Property name; an index signature is written as `[key: string]`. */
  readonly name: string;
  /** The declared type, as written in the source (or as printed by the type checker). */
  readonly type: string;
  /** True when the property is optional. */
  readonly optional: boolean;
  /** First paragraph of the property's doc comment. */
  readonly summary: string | undefined;
  /** The effective default, when the decorator or `applyDefaults` gives one. */
  readonly default: string | undefined;
}

/** One parameter of a decorated method as declared. */
export interface ParameterDoc {
  /** Parameter name as written (`options`, `[image, mask]`). */
  readonly name: string;
  /** Declared type text (`unknown` when the source has none). */
  readonly type: string;
  /** True for optional parameters and parameters with an initializer. */
  readonly optional: boolean;
  /** True for a rest parameter. */
  readonly rest: boolean;
}

/** One action as seen from one class. */
export interface ActionDoc {
  /** Method name (`flip`). */
  readonly name: string;
  /** Which decorator made it an action. */
  readonly kind: ActionKind;
  /** The class whose body declares the decorated method. */
  readonly definedIn: string;
  /** The file of that class, relative to the generator's root (undefined when unknown). */
  readonly definingModule: string | undefined;
  /** True when the class inherits the action from a parent class. */
  readonly inherited: boolean;
  /** True when the declaring class re-declares an action of one of its parents. */
  readonly overrides: boolean;
  /** The parent action it overrides (`Base.flip`), when `overrides` is true. */
  readonly overridden: string | undefined;
  /** The decorator `summary`, else the first paragraph of the method's TSDoc comment. */
  readonly summary: string | undefined;
  /** Where the summary comes from. */
  readonly summarySource: 'decorator' | 'tsdoc' | undefined;
  /** The per-item original kept on the class (`_flip_`); undefined for `@action`. */
  readonly innerName: string | undefined;
  /** `@action({useLock})`: false, true (a lock named after the method) or a lock name. */
  readonly useLock: boolean | string;
  /** `@action({noEval})`: option names a pipeline passes unevaluated. */
  readonly noEval: readonly string[];
  /** Effective defaults after the merge (parallel kinds; empty for `@action`). */
  readonly defaults: readonly DefaultDoc[];
  /** The options parameter's type as written (`{ axis: 0 | 1 }`, `ToArrayOptions`), when known. */
  readonly optionsType: string | undefined;
  /** The properties of the options parameter (undefined when the source could not be read). */
  readonly options: readonly OptionDoc[] | undefined;
  /** The declared parameters of the decorated method (undefined when the source could not be read). */
  readonly parameters: readonly ParameterDoc[] | undefined;
  /** The declared return type of the decorated method. */
  readonly returnType: string | undefined;
}

/** One `applyDefaults` layer: the class that declares it and its own entries. */
export interface ApplyDefaultsLayer {
  /** Class name. */
  readonly className: string;
  /** Its own `applyDefaults`, formatted (`{ target: 'for', ... }`). */
  readonly entries: readonly DefaultDoc[];
}

/** One documented Batch class. */
export interface ClassDoc {
  /** Class name. */
  readonly name: string;
  /** Export names it was found under (usually just its name). */
  readonly exportNames: readonly string[];
  /** The parent class name (undefined for `Batch` itself). */
  readonly parent: string | undefined;
  /** The file that declares the class, relative to the generator's root. */
  readonly module: string | undefined;
  /** First paragraph of the class's TSDoc comment. */
  readonly summary: string | undefined;
  /** `static components` (null when the class does not fix them). */
  readonly components: readonly string[] | null;
  /** `applyDefaults` merged from `Batch` down to this class, with the layer of each entry. */
  readonly applyDefaults: readonly DefaultDoc[];
  /** The classes that declare their own `applyDefaults`, base first. */
  readonly applyDefaultsLayers: readonly ApplyDefaultsLayer[];
  /** Every action of the class, own and inherited, parents' first (registry order). */
  readonly actions: readonly ActionDoc[];
}

/** Everything the renderers need. */
export interface ActionReference {
  /** Page title. */
  readonly title: string;
  /** The modules the classes came from, relative to the root. */
  readonly modules: readonly string[];
  /** The documented classes: parents before subclasses, else in module order (exports alphabetically). */
  readonly classes: readonly ClassDoc[];
  /** Problems met while reading sources (for example: typescript not installed). */
  readonly warnings: readonly string[];
  /**
   * Set when the sources could not be read at all (no supported `typescript`): why. The pages then
   * say at the top that TSDoc summaries, option types and signatures are missing.
   */
  readonly sourcesMissing?: string;
}
