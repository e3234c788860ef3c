import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface PackedFile {
  readonly path: string;
  readonly size: number;
}
interface PackResult {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly size: number;
  readonly unpackedSize: number;
  readonly files: readonly PackedFile[];
}
type ExportTarget = string | { readonly [condition: string]: string };

let work = '';
let pack: PackResult;
let files: string[] = [];
const manifest = JSON.parse(readFileSync(`${REPO}sdk/package.json`, 'utf8')) as {
  exports: Record<string, ExportTarget>;
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  bin: Record<string, string>;
};

/**
 * What `npm pack` puts in the `backspin` tarball (issue 11): the build (ESM, declarations, source
 * maps), the host command, README, LICENSE and CHANGELOG, and none of the repository's sources,
 * benchmarks or tests. Packs for real, so the `prepack` build runs as it does for a release.
 */
describe('the backspin package', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'backspin-pack-'));
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: `${REPO}sdk`, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    // `npm pack --json` prints the prepack build's lines first; the JSON is the last thing.
    [pack] = JSON.parse(out.slice(out.indexOf('[\n'))) as [PackResult];
    files = pack.files.map((f) => f.path);
    console.info(`npm pack: ${pack.name}@${pack.version}, ${files.length} files, ${(pack.size / 1024).toFixed(0)} KiB packed, ${(pack.unpackedSize / 1024).toFixed(0)} KiB unpacked`);
  }, 120_000);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('packs the build, the host command, README, LICENSE and CHANGELOG, and no source, benchmark or test', () => {
    for (const needed of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/backspin-host.mjs', 'dist/host/host-cli.js']) expect(files, needed).toContain(needed);
    expect(files.filter((f) => !f.startsWith('dist/') && !f.startsWith('bin/')).sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'package.json']);
    expect(files.filter((f) => /bench|\.test\.|(^|\/)test\/|\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    // Every emitted module has its declarations and source map.
    for (const js of files.filter((f) => f.endsWith('.js') && f.startsWith('dist/'))) {
      expect(files, js).toContain(js.replace(/\.js$/, '.d.ts'));
      expect(files, js).toContain(`${js}.map`);
    }
  });

  it('exports each entry point with its types first, and every target is in the tarball', () => {
    expect(Object.keys(manifest.exports).sort()).toEqual(['.', './host', './node', './package.json', './sim', './testing']);
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (typeof target === 'string') {
        expect(files, subpath).toContain(target.replace(/^\.\//, ''));
        continue;
      }
      // `types` before `default` (TypeScript takes the first condition that matches); the
      // repository's `backspin-source` first of all, harmless to anyone without that condition.
      expect(Object.keys(target), subpath).toEqual(['backspin-source', 'types', 'default']);
      expect(files, subpath).toContain(target.types!.replace(/^\.\//, ''));
      expect(files, subpath).toContain(target.default!.replace(/^\.\//, ''));
    }
    for (const bin of Object.values(manifest.bin)) expect(files).toContain(bin.replace(/^\.\//, ''));
  });

  it('depends on the browser client only; the host side is optional peers', () => {
    expect(Object.keys(manifest.dependencies)).toEqual(['@geckos.io/client']);
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(['node-datachannel', 'qrcode']);
    for (const name of Object.keys(manifest.peerDependencies)) expect(manifest.peerDependenciesMeta[name]?.optional, name).toBe(true);
  });

  it('ships declarations whose relative imports name the emitted .js files', () => {
    const tarball = join(work, pack.filename);
    execFileSync('tar', ['-xzf', tarball, '-C', work]);
    const offenders: string[] = [];
    for (const d of files.filter((f) => f.endsWith('.d.ts'))) {
      const text = readFileSync(join(work, 'package', d), 'utf8');
      for (const m of text.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) if (!m[1]!.endsWith('.js')) offenders.push(`${d}: ${m[1]}`);
    }
    expect(offenders).toEqual([]);
  });

  it("ships the repository's own LICENSE, word for word", () => {
    expect(readFileSync(`${REPO}sdk/LICENSE`, 'utf8')).toBe(readFileSync(`${REPO}LICENSE`, 'utf8'));
  });
});
