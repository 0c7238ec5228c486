/**
 * Every internal link (`#anchor`) of the generated action reference points at an anchor of the same
 * page, in Markdown and in HTML: for a module whose classes extend a class it does not export
 * (`Batch`), and for the committed docs/actions.md / docs/actions.html.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildActionReference, renderHtml, renderMarkdown, type ActionReference } from '../../src/docs/index.js';
import * as shapes from './fixtures/shapes.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixtureFile = fileURLToPath(new URL('./fixtures/shapes.ts', import.meta.url));

/** GitHub's anchor for a Markdown heading. */
function headingSlug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Links `[..](#x)` and `href="#x"` whose target `x` is not an id (or a heading) of the page. */
function danglingLinks(page: string): string[] {
  const targets = new Set<string>();
  for (const match of page.matchAll(/\bid="([^"]+)"/g)) targets.add(match[1]!);
  for (const match of page.matchAll(/^#{1,6}\s+(.+)$/gm)) targets.add(headingSlug(match[1]!));
  const links = [...page.matchAll(/\]\(#([^)\s]+)\)/g), ...page.matchAll(/href="#([^"]*)"/g)].map((match) => match[1]!);
  expect(links.length).toBeGreaterThan(0);
  return [...new Set(links.filter((link) => !targets.has(link)))];
}

let reference: ActionReference;

beforeAll(async () => {
  // the fixture module exports ShapesBatch (extends Batch) but not Batch itself
  reference = await buildActionReference([{ path: fixtureFile, exports: shapes }], { root: repoRoot });
}, 60_000);

describe('internal links of the action reference', () => {
  test('Markdown: every #anchor exists, also when a parent class is not on the page', () => {
    const markdown = renderMarkdown(reference);
    expect(danglingLinks(markdown)).toEqual([]);
    expect(markdown).toContain('- Extends: `Batch` (not documented on this page)');
    expect(markdown).toContain('- Extends: [`ShapesBatch`](#ShapesBatch)');
  });

  test('HTML: every href="#..." exists, also when a parent class is not on the page', () => {
    const html = renderHtml(reference);
    expect(danglingLinks(html)).toEqual([]);
    expect(html).toContain('<li>Extends: <code>Batch</code> (not documented on this page)</li>');
    expect(html).toContain('<li>Extends: <a href="#ShapesBatch"><code>ShapesBatch</code></a></li>');
  });

  test('the committed docs/actions.md and docs/actions.html have no dangling #anchors', () => {
    expect(danglingLinks(readFileSync(`${repoRoot}docs/actions.md`, 'utf8'))).toEqual([]);
    expect(danglingLinks(readFileSync(`${repoRoot}docs/actions.html`, 'utf8'))).toEqual([]);
  });
});
