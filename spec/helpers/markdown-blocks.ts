/** The TypeScript code blocks of README.md and the docs/ guides, as the doc specs read them. */

/** README.md and the guides whose TypeScript blocks are run and checked (paths from the repository root). */
export const guideFiles: readonly string[] = [
  'README.md',
  'docs/guide.md',
  'docs/engines.md',
  'docs/pipelines.md',
  'docs/expressions.md',
  'docs/datasets.md',
  'docs/formats.md',
];

/** One fenced TypeScript block. */
export interface Block {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  noRun: boolean;
  /** The text after `no-run` on the fence, or the block's first comment line. */
  reason: string;
  code: string;
}

/** The ```ts / ```typescript blocks of a markdown text. */
export function extractBlocks(markdown: string, doc: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split('\n');
  let open: { indent: string; fence: string; info: string; line: number; body: string[] } | null = null;
  lines.forEach((text, k) => {
    if (open === null) {
      const start = /^(\s*)(`{3,}|~{3,})\s*(.*)$/.exec(text);
      if (start) open = { indent: start[1]!, fence: start[2]!, info: start[3]!.trim(), line: k + 1, body: [] };
      return;
    }
    if (text.trim().startsWith(open.fence) && text.trim().slice(open.fence.length).trim() === '') {
      const [lang = '', ...flags] = open.info.split(/\s+/);
      if (lang === 'ts' || lang === 'typescript') {
        const code = open.body.map((line) => (line.startsWith(open!.indent) ? line.slice(open!.indent.length) : line.trimStart())).join('\n');
        const noRun = flags[0] === 'no-run';
        const firstComment = /^\s*\/\/\s*(.+)$/.exec(code.split('\n')[0] ?? '')?.[1] ?? '';
        blocks.push({ doc, line: open.line, noRun, reason: noRun ? flags.slice(1).join(' ') || firstComment : '', code });
      }
      open = null;
      return;
    }
    open.body.push(text);
  });
  if (open !== null) throw new Error(`${doc}: the code fence opened on line ${(open as { line: number }).line} is never closed`);
  return blocks;
}
