/**
 * Reads what the registry cannot know from the sources, with the TypeScript compiler API: the TSDoc
 * summary of classes and methods, the declared parameters of decorated methods and the properties
 * (names, types, doc comments) of their options parameter. The `typescript` package is found and
 * version-checked by `typescript-loader.ts`, only when docs are generated; without a supported one
 * the generator still works from the registry alone.
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type ts from 'typescript';
import type { OptionDoc, ParameterDoc } from './model.js';
import type { TypeScriptModule } from './typescript-loader.js';

type TypeScript = TypeScriptModule;

/** What the sources say about one method. */
export interface MethodInfo {
  /** First paragraph of the method's doc comment. */
  readonly summary: string | undefined;
  /** The declared parameters. */
  readonly parameters: readonly ParameterDoc[];
  /** The declared (or inferred) return type. */
  readonly returnType: string | undefined;
  /** The options parameter's type as written. */
  readonly optionsType: string | undefined;
  /** Properties of the options parameter (undefined when it has no object type). */
  readonly options: ReadonlyArray<Omit<OptionDoc, 'default'>> | undefined;
}

/** What the sources say about one class. */
export interface ClassInfo {
  /** First paragraph of the class's doc comment. */
  readonly summary: string | undefined;
  /** The file whose source declares the class. */
  readonly file: string;
}

/** Which parameter holds the options: an index, or `'auto'` (the last non-rest object-typed one). */
export type OptionsParameter = number | 'auto';

/** Collapses a doc comment to its first paragraph on one line, with `{@link X}` written as `X`. */
export function firstParagraph(text: string): string | undefined {
  const paragraph = text.trim().split(/\r?\n\s*\r?\n/)[0] ?? '';
  const line = paragraph
    .replace(/\{@link(?:code|plain)?\s+([^}\s|]+)(?:\s*\|\s*|\s+)?([^}]*)\}/g, (_match, target: string, label: string) => (label.trim() || target))
    .replace(/\s+/g, ' ')
    .trim();
  return line === '' ? undefined : line;
}

function normalizeTypeText(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/;\s*}/g, ' }').trim();
}

/** The file the compiler should read for a module: the source itself, or a sibling `.ts` / `.d.ts` of a `.js` file. */
export function sourceFileFor(file: string): string | undefined {
  if (/\.[cm]?tsx?$/.test(file)) return existsSync(file) ? file : undefined;
  const compiled = /^(.*)\.([cm]?)jsx?$/.exec(file);
  if (compiled) {
    const [, base, flavour] = compiled;
    for (const candidate of [`${base}.${flavour}ts`, `${base}.d.${flavour}ts`]) if (existsSync(candidate)) return candidate;
  }
  return existsSync(file) ? file : undefined;
}

/** Reads classes and methods from source files through one TypeScript program per tsconfig. */
export class SourceInspector {
  readonly #ts: TypeScript;
  readonly #programOfFile = new Map<string, ts.Program>();

  private constructor(typescript: TypeScript) {
    this.#ts = typescript;
  }

  /** An inspector over the compiler API `typescript` (as found by `loadTypeScript`). */
  static create(typescript: TypeScript): SourceInspector {
    return new SourceInspector(typescript);
  }

  /** Parses `files` (modules as recorded: `.ts`, or compiled `.js` with a `.d.ts` beside it). Call once with every file before querying. */
  prepare(files: Iterable<string>): void {
    const tsc = this.#ts;
    const groups = new Map<string, string[]>();
    for (const file of files) {
      const source = sourceFileFor(resolve(file));
      if (!source || this.#programOfFile.has(source)) continue;
      const config = tsc.findConfigFile(dirname(source), tsc.sys.fileExists, 'tsconfig.json') ?? '';
      let group = groups.get(config);
      if (!group) groups.set(config, (group = []));
      if (!group.includes(source)) group.push(source);
    }
    for (const [config, rootNames] of groups) {
      const program = tsc.createProgram({ rootNames, options: this.#compilerOptions(config) });
      for (const name of rootNames) this.#programOfFile.set(name, program);
    }
  }

  #compilerOptions(configPath: string): ts.CompilerOptions {
    const tsc = this.#ts;
    let options: ts.CompilerOptions = {
      target: tsc.ScriptTarget.ES2022, module: tsc.ModuleKind.NodeNext, moduleResolution: tsc.ModuleResolutionKind.NodeNext,
      strict: true, experimentalDecorators: true,
    };
    if (configPath) {
      const read = tsc.readConfigFile(configPath, tsc.sys.readFile);
      if (!read.error) options = tsc.parseJsonConfigFileContent(read.config, tsc.sys, dirname(configPath)).options;
    }
    return { ...options, noEmit: true, allowJs: true, checkJs: false, skipLibCheck: true, declaration: false, composite: false, incremental: false };
  }

  #sourceFile(file: string): { program: ts.Program; sourceFile: ts.SourceFile } | undefined {
    const source = sourceFileFor(resolve(file));
    if (!source) return undefined;
    if (!this.#programOfFile.has(source)) this.prepare([source]);
    const program = this.#programOfFile.get(source);
    const sourceFile = program?.getSourceFile(source);
    return program && sourceFile ? { program, sourceFile } : undefined;
  }

  #findClass(sourceFile: ts.SourceFile, className: string): ts.ClassLikeDeclaration | undefined {
    const tsc = this.#ts;
    let found: ts.ClassLikeDeclaration | undefined;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if ((tsc.isClassDeclaration(node) || tsc.isClassExpression(node)) && node.name?.text === className) {
        found = node;
        return;
      }
      if (tsc.isVariableDeclaration(node) && tsc.isIdentifier(node.name) && node.name.text === className && node.initializer && tsc.isClassExpression(node.initializer)) {
        found = node.initializer;
        return;
      }
      tsc.forEachChild(node, visit);
    };
    visit(sourceFile);
    return found;
  }

  #summaryOf(checker: ts.TypeChecker, node: ts.Node | undefined): string | undefined {
    if (!node) return undefined;
    const symbol = checker.getSymbolAtLocation(node);
    if (!symbol) return undefined;
    return firstParagraph(this.#ts.displayPartsToString(symbol.getDocumentationComment(checker)));
  }

  /** The summary and file of class `className`, found in `file` by name or, failing that, as an export of `file` named `exportName`. */
  classInfo(file: string, className: string, exportName: string = className): ClassInfo | undefined {
    const tsc = this.#ts;
    const opened = this.#sourceFile(file);
    if (!opened) return undefined;
    const checker = opened.program.getTypeChecker();
    let declaration = this.#findClass(opened.sourceFile, className);
    if (!declaration) {
      const moduleSymbol = checker.getSymbolAtLocation(opened.sourceFile);
      let symbol = moduleSymbol ? checker.getExportsOfModule(moduleSymbol).find((candidate) => candidate.name === exportName) : undefined;
      if (symbol && symbol.flags & tsc.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      declaration = symbol?.declarations?.find((candidate): candidate is ts.ClassLikeDeclaration => tsc.isClassLike(candidate));
    }
    if (!declaration) return undefined;
    return { summary: this.#summaryOf(checker, declaration.name ?? declaration), file: declaration.getSourceFile().fileName };
  }

  /** Summary, parameters and options of method `methodName` of class `className` declared in `file`. */
  methodInfo(file: string, className: string, methodName: string, optionsParameter: OptionsParameter): MethodInfo | undefined {
    const tsc = this.#ts;
    const opened = this.#sourceFile(file);
    if (!opened) return undefined;
    const checker = opened.program.getTypeChecker();
    const declaration = this.#findClass(opened.sourceFile, className);
    if (!declaration) return undefined;
    const methods = declaration.members.filter((member): member is ts.MethodDeclaration =>
      tsc.isMethodDeclaration(member) && (tsc.isIdentifier(member.name) || tsc.isStringLiteral(member.name) || tsc.isPrivateIdentifier(member.name)) && member.name.text === methodName);
    if (methods.length === 0) return undefined;
    const implementation = methods.find((method) => method.body !== undefined) ?? methods[methods.length - 1]!;
    const documented = methods.find((method) => tsc.getJSDocCommentsAndTags(method).length > 0) ?? methods[0]!;
    const parameters = implementation.parameters.map((parameter): ParameterDoc => ({
      name: normalizeTypeText(parameter.name.getText()),
      type: parameter.type ? normalizeTypeText(parameter.type.getText()) : checker.typeToString(checker.getTypeAtLocation(parameter)),
      optional: parameter.questionToken !== undefined || parameter.initializer !== undefined,
      rest: parameter.dotDotDotToken !== undefined,
    }));
    const signature = checker.getSignatureFromDeclaration(implementation);
    const returnType = implementation.type ? normalizeTypeText(implementation.type.getText())
      : signature ? checker.typeToString(signature.getReturnType()) : undefined;
    const optionsDeclaration = this.#optionsParameter(checker, implementation, optionsParameter);
    return {
      summary: this.#summaryOf(checker, documented.name),
      parameters,
      returnType,
      optionsType: optionsDeclaration?.declaration.type ? normalizeTypeText(optionsDeclaration.declaration.type.getText()) : undefined,
      options: optionsDeclaration ? this.#properties(checker, optionsDeclaration.declaration, optionsDeclaration.type) : undefined,
    };
  }

  #objectType(checker: ts.TypeChecker, parameter: ts.ParameterDeclaration): ts.Type | undefined {
    const tsc = this.#ts;
    if (parameter.dotDotDotToken) return undefined;
    const type = checker.getNonNullableType(checker.getTypeAtLocation(parameter));
    const parts = type.isUnion() ? type.types : [type];
    const notObject = tsc.TypeFlags.Any | tsc.TypeFlags.Unknown | tsc.TypeFlags.Never | tsc.TypeFlags.StringLike | tsc.TypeFlags.NumberLike
      | tsc.TypeFlags.BooleanLike | tsc.TypeFlags.BigIntLike | tsc.TypeFlags.ESSymbolLike | tsc.TypeFlags.EnumLike | tsc.TypeFlags.TypeParameter | tsc.TypeFlags.Void;
    for (const part of parts) {
      if (part.flags & notObject) return undefined;
      if (part.getCallSignatures().length > 0 || checker.isArrayType(part) || checker.isTupleType(part)) return undefined;
    }
    return type;
  }

  #optionsParameter(checker: ts.TypeChecker, method: ts.MethodDeclaration, which: OptionsParameter): { declaration: ts.ParameterDeclaration; type: ts.Type } | undefined {
    if (typeof which === 'number') {
      const declaration = method.parameters[which];
      if (!declaration) return undefined;
      const type = this.#objectType(checker, declaration);
      return type ? { declaration, type } : undefined;
    }
    for (let index = method.parameters.length - 1; index >= 0; index--) {
      const declaration = method.parameters[index]!;
      const type = this.#objectType(checker, declaration);
      if (type && (checker.getPropertiesOfType(type).length > 0 || checker.getIndexInfosOfType(type).length > 0)) return { declaration, type };
    }
    return undefined;
  }

  /**
   * The TSDoc of an option. An option of a union of options types (`batch.load`'s per-format options)
   * has one declaration per member, and TypeScript joins their comments; the first declaration's own
   * comment is the one that describes the option in general.
   */
  #ownDocumentation(checker: ts.TypeChecker, property: ts.Symbol, declaration: ts.Declaration | undefined): ts.SymbolDisplayPart[] {
    const name = declaration && (declaration as ts.NamedDeclaration).name;
    const own = (property.declarations?.length ?? 0) > 1 && name ? checker.getSymbolAtLocation(name) : undefined;
    return (own ?? property).getDocumentationComment(checker);
  }

  #properties(checker: ts.TypeChecker, location: ts.Node, type: ts.Type): Array<Omit<OptionDoc, 'default'>> {
    const tsc = this.#ts;
    const properties: Array<Omit<OptionDoc, 'default'>> = [];
    for (const property of checker.getPropertiesOfType(type)) {
      const declaration = property.valueDeclaration ?? property.declarations?.[0];
      const typeNode = declaration && (tsc.isPropertySignature(declaration) || tsc.isPropertyDeclaration(declaration)) ? declaration.type : undefined;
      const declaredType = typeNode ? checker.getTypeAtLocation(typeNode) : undefined;
      // an option typed by a type parameter of the method (`fmt?: F`) is shown as its constraint
      const constraint = declaredType && declaredType.flags & tsc.TypeFlags.TypeParameter ? checker.getBaseConstraintOfType(declaredType) : undefined;
      const typeText = constraint
        ? checker.typeToString(checker.getNonNullableType(constraint), undefined, tsc.TypeFormatFlags.NoTruncation)
        : typeNode
          ? normalizeTypeText(typeNode.getText())
          : checker.typeToString(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(property, location)), undefined, tsc.TypeFormatFlags.NoTruncation);
      properties.push({
        name: property.name,
        type: typeText,
        optional: (property.flags & tsc.SymbolFlags.Optional) !== 0,
        summary: firstParagraph(tsc.displayPartsToString(this.#ownDocumentation(checker, property, declaration))),
      });
    }
    for (const index of checker.getIndexInfosOfType(type)) {
      properties.push({
        name: `[key: ${checker.typeToString(index.keyType)}]`,
        type: checker.typeToString(index.type, undefined, tsc.TypeFormatFlags.NoTruncation),
        optional: true,
        summary: 'any other key',
      });
    }
    return properties;
  }
}
