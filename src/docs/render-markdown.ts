/**
 * Renders the {@link ActionReference} as GitHub-flavoured Markdown (`docs/actions.md`).
 * @module
 */
import type { ActionDoc, ActionReference, ClassDoc, DefaultDoc } from './model.js';
import { callText, innerMethodText, introText, lockText, shortSummary, signatureText, sourcesMissingText, statusText } from './text.js';

/** Inline code (backticks inside are fenced with double backticks). */
function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}

/** Inline code inside a table cell: pipes escaped (GFM splits cells at `|` even inside code). */
function cellCode(text: string): string {
  return code(text).replace(/\|/g, '\\|');
}

/** Plain text for a table cell. */
function cell(text: string | undefined): string {
  return (text ?? '').replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
}

/** The anchor id of a class or action heading. */
export function anchorOf(className: string, actionName?: string): string {
  return actionName === undefined ? className : `${className}.${actionName}`;
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
}

function defaultsTable(defaults: readonly DefaultDoc[]): string[] {
  return table(['Option', 'Value', 'From'], defaults.map((entry) => [cellCode(entry.name), cellCode(entry.display), cellCode(entry.from)]));
}

function renderAction(cls: ClassDoc, action: ActionDoc): string[] {
  const lines = [`<a id="${anchorOf(cls.name, action.name)}"></a>`, '', `### ${cls.name}.${action.name}`, ''];
  if (action.summary) lines.push(action.summary, '');
  const facts = [`- Kind: ${code(action.kind)}`];
  facts.push(`- Declared in: ${code(action.definedIn)}${action.definingModule ? ` (${code(action.definingModule)})` : ''}; ${statusText(action)}`);
  const inner = innerMethodText(action);
  facts.push(`- Inner method: ${inner ? code(inner) : 'none (`@action` runs its body directly)'}`);
  if (action.kind === 'action') {
    facts.push(`- useLock: ${lockText(action)}`);
    facts.push(`- noEval: ${action.noEval.length > 0 ? action.noEval.map(code).join(', ') : 'none'}`);
  }
  const signature = signatureText(action);
  if (signature) facts.push(`- ${action.kind === 'action' ? 'Signature' : 'Per item'}: ${code(signature)}`);
  facts.push(`- Call: ${code(callText(action))}${action.kind === 'action' ? '' : ', or in a pipeline `.' + action.name + '(options)`'}`);
  lines.push(...facts, '');
  if (action.kind !== 'action') {
    lines.push('Effective defaults:', '');
    lines.push(...(action.defaults.length > 0 ? defaultsTable(action.defaults) : ['(none)']), '');
  }
  if (action.options && action.options.length > 0) {
    const of = action.optionsType ? ` (${code(action.optionsType)})` : '';
    lines.push(`Options${of}${action.kind === 'action' ? '' : ', besides the parallel options'}:`, '');
    lines.push(...table(['Option', 'Type', 'Required', 'Default', 'Description'], action.options.map((option) => [
      cellCode(option.name), cellCode(option.type), option.optional ? 'no' : 'yes', option.default === undefined ? '' : cellCode(option.default), cell(option.summary),
    ])), '');
  } else if (action.kind !== 'action') {
    lines.push(action.options ? 'Options: none besides the parallel options.' : 'Options: unknown (the source could not be read).', '');
  }
  return lines;
}

function renderClass(cls: ClassDoc, documented: ReadonlySet<string>): string[] {
  const lines = [`<a id="${anchorOf(cls.name)}"></a>`, '', `## ${cls.name}`, ''];
  if (cls.summary) lines.push(cls.summary, '');
  const facts: string[] = [];
  if (cls.module) facts.push(`- Module: ${code(cls.module)}`);
  // a parent is linked only when this page documents it (else the anchor would not exist)
  facts.push(`- Extends: ${cls.parent ? (documented.has(cls.parent) ? `[${code(cls.parent)}](#${anchorOf(cls.parent)})` : `${code(cls.parent)} (not documented on this page)`) : '—'}`);
  if (cls.exportNames.some((name) => name !== cls.name)) facts.push(`- Exported as: ${cls.exportNames.map(code).join(', ')}`);
  facts.push(`- Components: ${cls.components ? (cls.components.map(code).join(', ') || '(none)') : 'not fixed (`static components = null`)'}`);
  lines.push(...facts, '', '`applyDefaults` after the class merge:', '', ...defaultsTable(cls.applyDefaults), '');
  lines.push(...table(['Action', 'Kind', 'Declared in', 'Inherited', 'Overrides', 'Summary'], cls.actions.map((action) => [
    `[${cellCode(action.name)}](#${anchorOf(cls.name, action.name)})`, cellCode(action.kind), cellCode(action.definedIn),
    action.inherited ? 'yes' : 'no', action.overrides ? cellCode(action.overridden ?? 'yes') : '', cell(shortSummary(action.summary)),
  ])), '');
  for (const action of cls.actions) lines.push(...renderAction(cls, action));
  return lines;
}

/** Renders the whole reference as one Markdown page. */
export function renderMarkdown(reference: ActionReference): string {
  const lines = [`# ${reference.title}`, '', introText, ''];
  if (reference.sourcesMissing !== undefined) lines.push(`> **Warning:** ${cell(sourcesMissingText(reference.sourcesMissing))}`, '');
  if (reference.modules.length > 0) lines.push(`Modules: ${reference.modules.map(code).join(', ')}.`, '');
  lines.push('Classes:', '');
  for (const cls of reference.classes) lines.push(`- [${cls.name}](#${anchorOf(cls.name)}) — ${cls.actions.length} action${cls.actions.length === 1 ? '' : 's'}${cls.parent ? `, extends ${cls.parent}` : ''}`);
  lines.push('');
  const documented = new Set(reference.classes.map((cls) => cls.name));
  for (const cls of reference.classes) lines.push(...renderClass(cls, documented));
  if (reference.warnings.length > 0) lines.push('## Warnings', '', ...reference.warnings.map((warning) => `- ${cell(warning)}`), '');
  return `${lines.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd()}\n`;
}
