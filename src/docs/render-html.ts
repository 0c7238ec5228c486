/**
 * Renders the {@link ActionReference} as one self-contained HTML page (`docs/actions.html`):
 * inline CSS, no scripts, no external assets.
 * @module
 */
import type { ActionDoc, ActionReference, ClassDoc, DefaultDoc } from './model.js';
import { anchorOf } from './render-markdown.js';
import { callText, innerMethodText, introText, lockText, shortSummary, signatureText, sourcesMissingText, statusText } from './text.js';

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function code(text: string): string {
  return `<code>${escapeHtml(text)}</code>`;
}

/** Markdown-ish inline text (only `code` spans) to HTML. */
function inline(text: string): string {
  return text.split(/(`[^`]+`)/).map((part) => (part.startsWith('`') && part.endsWith('`') && part.length > 1 ? code(part.slice(1, -1)) : escapeHtml(part))).join('');
}

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return `<table><thead><tr>${header.map((name) => `<th>${escapeHtml(name)}</th>`).join('')}</tr></thead><tbody>${
    rows.map((row) => `<tr>${row.map((value) => `<td>${value}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function defaultsTable(defaults: readonly DefaultDoc[]): string {
  return table(['Option', 'Value', 'From'], defaults.map((entry) => [code(entry.name), code(entry.display), code(entry.from)]));
}

function renderAction(cls: ClassDoc, action: ActionDoc): string {
  const parts = [`<section class="action" id="${escapeHtml(anchorOf(cls.name, action.name))}">`, `<h3>${escapeHtml(cls.name)}.${escapeHtml(action.name)} <span class="kind">${escapeHtml(action.kind)}</span></h3>`];
  if (action.summary) parts.push(`<p>${inline(action.summary)}</p>`);
  const facts = [`<li>Declared in: ${code(action.definedIn)}${action.definingModule ? ` (${code(action.definingModule)})` : ''}; ${escapeHtml(statusText(action))}</li>`];
  const inner = innerMethodText(action);
  facts.push(`<li>Inner method: ${inner ? code(inner) : `none (${code('@action')} runs its body directly)`}</li>`);
  if (action.kind === 'action') {
    facts.push(`<li>useLock: ${escapeHtml(lockText(action))}</li>`);
    facts.push(`<li>noEval: ${action.noEval.length > 0 ? action.noEval.map(code).join(', ') : 'none'}</li>`);
  }
  const signature = signatureText(action);
  if (signature) facts.push(`<li>${action.kind === 'action' ? 'Signature' : 'Per item'}: ${code(signature)}</li>`);
  facts.push(`<li>Call: ${code(callText(action))}${action.kind === 'action' ? '' : `, or in a pipeline ${code(`.${action.name}(options)`)}`}</li>`);
  parts.push(`<ul>${facts.join('')}</ul>`);
  if (action.kind !== 'action') parts.push('<p>Effective defaults:</p>', action.defaults.length > 0 ? defaultsTable(action.defaults) : '<p>(none)</p>');
  if (action.options && action.options.length > 0) {
    parts.push(`<p>Options${action.optionsType ? ` (${code(action.optionsType)})` : ''}${action.kind === 'action' ? '' : ', besides the parallel options'}:</p>`);
    parts.push(table(['Option', 'Type', 'Required', 'Default', 'Description'], action.options.map((option) => [
      code(option.name), code(option.type), option.optional ? 'no' : 'yes', option.default === undefined ? '' : code(option.default), inline(option.summary ?? ''),
    ])));
  } else if (action.kind !== 'action') {
    parts.push(`<p>${action.options ? 'Options: none besides the parallel options.' : 'Options: unknown (the source could not be read).'}</p>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

function renderClass(cls: ClassDoc, documented: ReadonlySet<string>): string {
  const parts = [`<section class="class" id="${escapeHtml(anchorOf(cls.name))}">`, `<h2>${escapeHtml(cls.name)}</h2>`];
  if (cls.summary) parts.push(`<p>${inline(cls.summary)}</p>`);
  const facts: string[] = [];
  if (cls.module) facts.push(`<li>Module: ${code(cls.module)}</li>`);
  // a parent is linked only when this page documents it (else the anchor would not exist)
  const parent = cls.parent === undefined ? '—'
    : documented.has(cls.parent) ? `<a href="#${escapeHtml(anchorOf(cls.parent))}">${code(cls.parent)}</a>` : `${code(cls.parent)} (not documented on this page)`;
  facts.push(`<li>Extends: ${parent}</li>`);
  if (cls.exportNames.some((name) => name !== cls.name)) facts.push(`<li>Exported as: ${cls.exportNames.map(code).join(', ')}</li>`);
  facts.push(`<li>Components: ${cls.components ? (cls.components.map(code).join(', ') || '(none)') : `not fixed (${code('static components = null')})`}</li>`);
  parts.push(`<ul>${facts.join('')}</ul>`, `<p>${code('applyDefaults')} after the class merge:</p>`, defaultsTable(cls.applyDefaults));
  parts.push(table(['Action', 'Kind', 'Declared in', 'Inherited', 'Overrides', 'Summary'], cls.actions.map((action) => [
    `<a href="#${escapeHtml(anchorOf(cls.name, action.name))}">${code(action.name)}</a>`, code(action.kind), code(action.definedIn),
    action.inherited ? 'yes' : 'no', action.overrides ? code(action.overridden ?? 'yes') : '', inline(shortSummary(action.summary)),
  ])));
  for (const action of cls.actions) parts.push(renderAction(cls, action));
  parts.push('</section>');
  return parts.join('\n');
}

const style = `
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1f2328; }
code { font: 13px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f3f4f6; padding: 0 .25em; border-radius: 3px; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #d0d7de; padding: .3em .6em; text-align: left; vertical-align: top; }
th { background: #f6f8fa; }
section.class { border-top: 2px solid #d0d7de; margin-top: 2em; }
section.action { margin-left: 1em; }
.warning { background: #fff8c5; border: 1px solid #d4a72c; padding: .5em .8em; border-radius: 6px; }
.kind { font-size: 12px; font-weight: normal; background: #ddf4ff; border-radius: 1em; padding: .1em .6em; }
`;

/** Renders the whole reference as one self-contained HTML page. */
export function renderHtml(reference: ActionReference): string {
  const parts = [
    '<!DOCTYPE html>', '<html lang="en">', '<head>', '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(reference.title)}</title>`, `<style>${style}</style>`, '</head>', '<body>',
    `<h1>${escapeHtml(reference.title)}</h1>`, `<p>${inline(introText)}</p>`,
  ];
  if (reference.sourcesMissing !== undefined) parts.push(`<p class="warning"><strong>Warning:</strong> ${escapeHtml(sourcesMissingText(reference.sourcesMissing))}</p>`);
  if (reference.modules.length > 0) parts.push(`<p>Modules: ${reference.modules.map(code).join(', ')}.</p>`);
  parts.push(`<ul>${reference.classes.map((cls) => `<li><a href="#${escapeHtml(anchorOf(cls.name))}">${escapeHtml(cls.name)}</a> — ${cls.actions.length} action${cls.actions.length === 1 ? '' : 's'}${cls.parent ? `, extends ${escapeHtml(cls.parent)}` : ''}</li>`).join('')}</ul>`);
  const documented = new Set(reference.classes.map((cls) => cls.name));
  for (const cls of reference.classes) parts.push(renderClass(cls, documented));
  if (reference.warnings.length > 0) parts.push('<h2>Warnings</h2>', `<ul>${reference.warnings.map((warning) => `<li>${escapeHtml(warning)}</li>`).join('')}</ul>`);
  parts.push('</body>', '</html>');
  return `${parts.join('\n')}\n`;
}
