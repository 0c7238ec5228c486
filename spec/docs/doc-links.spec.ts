/**
 * Links of the documentation: README.md and docs/*.md go into the npm package, so every relative
 * link in them must point to a file that is in the package (npm shows the README and ships docs/);
 * every relative link of the repository's Markdown points to a file that exists; and no committed
 * documentation, bench or library text cites a file outside the repository.
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Every file under `directory` (relative to the repository, with `/`). */
function filesUnder(directory: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(repoRoot, directory), { withFileTypes: true })) {
    const path = posix.join(directory, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/** The Markdown pages written by hand (README and guides; not the TypeDoc output). */
const handWritten = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`), 'bench/README.md'];

/** Relative link targets of a Markdown page (`[text](target)`, no scheme, not `#…`), without their `#fragment`. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)]
    .map((match) => match[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith('#'))
    .map((target) => decodeURIComponent(target.split('#')[0]!));
}

/** `target` of a link on `page`, as a repository path (a trailing `/` means the folder). */
function resolveLink(page: string, target: string): string {
  return posix.normalize(posix.join(posix.dirname(page), target));
}

let packaged: Set<string>;

beforeAll(() => {
  const result = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`npm pack --dry-run failed: ${result.stderr}`);
  const [info] = JSON.parse(result.stdout) as Array<{ files: Array<{ path: string }> }>;
  packaged = new Set(info!.files.map((file) => file.path));
}, 60_000);

/** True when the package holds `path` as a file, or files under it as a folder. */
function inPackage(path: string): boolean {
  const folder = path.replace(/\/$/, '');
  return packaged.has(folder) || [...packaged].some((file) => file.startsWith(`${folder}/`));
}

describe('links of the packaged documentation', () => {
  test('the package ships README.md and the docs/ guides', () => {
    for (const file of ['README.md', 'docs/guide.md', 'docs/differences.md', 'docs/actions.md']) expect(packaged.has(file)).toBe(true);
  });

  test('every relative link in README.md and in the packaged docs/*.md points to a file in the package', () => {
    const broken: string[] = [];
    for (const page of [...packaged].filter((file) => file.endsWith('.md') && (file === 'README.md' || /^docs\/[^/]+\.md$/.test(file)))) {
      for (const target of relativeLinks(readFileSync(join(repoRoot, page), 'utf8'))) {
        if (!inPackage(resolveLink(page, target))) broken.push(`${page} → ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});

describe('links of the repository', () => {
  test.each(handWritten)('%s: every relative link points to an existing file', (page) => {
    const broken = relativeLinks(readFileSync(join(repoRoot, page), 'utf8')).filter((target) => !existsSync(join(repoRoot, resolveLink(page, target))));
    expect(broken).toEqual([]);
  });

  test('no documentation, bench, example, test or library file cites a file outside the repository', () => {
    const outside = /shared\/reference|\/work\/|spec-batch|spec-pipeline|tech-notes\.md|batch-doc\.txt|perf-notes\.md|DESIGN\.md/;
    const files = [...handWritten, ...filesUnder('bench'), ...filesUnder('src'), ...filesUnder('examples').filter((file) => !file.startsWith('examples/_doc-blocks/')), ...filesUnder('spec').filter((file) => file !== 'spec/docs/doc-links.spec.ts')].filter((file) => statSync(join(repoRoot, file)).isFile());
    const citing = files.filter((file) => outside.test(readFileSync(join(repoRoot, file), 'utf8')));
    expect(citing).toEqual([]);
    // the bench cites its baseline inside the repository
    expect(readFileSync(join(repoRoot, 'bench/run.ts'), 'utf8')).toContain('baseline: bench/baseline.md');
    expect(existsSync(join(repoRoot, 'bench/baseline.md'))).toBe(true);
  });
});
