import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What `npm pack` puts in the `backspin` tarball (issue 11): what a user needs (the sources, the
 * host command, README, LICENSE, CHANGELOG), and none of the repository's benchmarks or tests.
 */
describe('the backspin package', () => {
  it('packs the sources, the host command, README, LICENSE and CHANGELOG, and no benchmark or test', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: `${REPO}sdk`, encoding: 'utf8' });
    const [pack] = JSON.parse(out) as [{ files: { path: string }[]; name: string; version: string }];
    const files = pack.files.map((f) => f.path);
    console.info(`npm pack: ${pack.name}@${pack.version}, ${files.length} files`);
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'src/index.ts', 'src/node.ts', 'bin/backspin-host.mjs']) expect(files, needed).toContain(needed);
    expect(files.filter((f) => !f.startsWith('src/') && !f.startsWith('bin/')).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    expect(files.filter((f) => /bench|\.test\.|(^|\/)test\//.test(f))).toEqual([]);
  });

  it("ships the repository's own LICENSE, word for word", () => {
    expect(readFileSync(`${REPO}sdk/LICENSE`, 'utf8')).toBe(readFileSync(`${REPO}LICENSE`, 'utf8'));
  });
});
