/**
 * "Every code block in the docs is compiled by a test": every ```ts (or ```typescript) fenced block
 * of README.md and docs/*.md is written to its own module and type-checked, all in one compiler
 * program, under the repo's own compilerOptions (tsconfig.json) with Node's types. The package
 * names the docs use (`backspin`, `backspin/sim`, `backspin/host`, ...) resolve through the
 * workspace's node_modules and sdk/package.json's exports, to the sources by the tsconfig's custom
 * condition `backspin-source`: exactly the entry points a user imports, nothing deeper. Each block is a test case named by its file and line; a failure lists the
 * compiler's diagnostics at their place in the markdown.
 *
 * A block whose first line names a file (`// src/arena-game.ts`) is written at that path, so another
 * block can import it (`import { ArenaGame } from '../src/arena-game.ts'`); the others get a name
 * of their own. Every block is a module: its names cannot clash with another block's.
 *
 * A block that truly cannot compile opts out with a marker on the line right before its fence:
 * `<!-- not compiled: why -->`. The opt-outs are counted and printed; keep them rare.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
const markdownFiles = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((name) => name.endsWith('.md')).sort().map((name) => `docs/${name}`)];

interface Block {
  /** e.g. docs/main-loop.md */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly fenceLine: number;
  /** The block's lines, its fence's indentation removed. */
  readonly code: string;
  /** The reason given by a `<!-- not compiled: reason -->` marker right before the fence. */
  readonly optOut: string | undefined;
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)/; // indented too: a fence in a list item
const OPT_OUT = /^\s*<!--\s*not compiled:\s*(.*?)\s*-->\s*$/;

/** Every fenced block labelled ts or typescript, in order. Throws on a fence left open. */
function tsBlocks(file: string): Block[] {
  const lines = readFileSync(join(repoRoot, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open === null) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const line = lines[j]!;
      const close = /^\s*(`{3,}|~{3,})\s*$/.exec(line);
      if (close !== null && close[1]![0] === fence[0] && close[1]!.length >= fence.length) break;
      body.push(line.startsWith(indent) ? line.slice(indent.length) : line.trimStart());
    }
    if (j === lines.length) throw new Error(`${file}:${i + 1}: a code fence is never closed`);
    if (lang === 'ts' || lang === 'typescript') {
      let k = i - 1;
      while (k >= 0 && lines[k]!.trim() === '') k--;
      const marker = k >= 0 ? OPT_OUT.exec(lines[k]!) : null;
      blocks.push({ file, fenceLine: i + 1, code: body.join('\n'), optOut: marker?.[1] });
    }
    i = j;
  }
  return blocks;
}

const blocks = markdownFiles.flatMap(tsBlocks);
const compiled = blocks.filter((block) => block.optOut === undefined);
const optedOut = blocks.filter((block) => block.optOut !== undefined);
/** `// src/arena-game.ts` as a block's first line: a relative path, no `..`. */
const NAMED_FILE = /^\/\/ ((?:[\w-]+\/)*[\w.-]+\.ts)\s*$/;
const label = (block: Block) => `${block.file}:${block.fenceLine}`;

/** The compiler options of tsconfig.json, plus the docs' package names mapped to the SDK's sources. */
function compilerOptions(): ts.CompilerOptions {
  const configPath = join(repoRoot, 'tsconfig.json');
  const read = ts.readConfigFile(configPath, (path) => ts.sys.readFile(path));
  if (read.error !== undefined) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  const raw = read.config as { compilerOptions?: object };
  // Only the options: the include list is the repo's, the root files here are the blocks.
  const parsed = ts.parseJsonConfigFileContent({ compilerOptions: raw.compilerOptions, files: [] }, ts.sys, repoRoot, undefined, configPath);
  const errors = parsed.errors.filter((error) => error.code !== 18002); // 18002: "files" is empty
  if (errors.length > 0) throw new Error(errors.map((error) => ts.flattenDiagnosticMessageText(error.messageText, '\n')).join('\n'));
  return { ...parsed.options, noEmit: true };
}

// Blocks are written under node_modules/.cache so that packages the docs import resolve as they
// would in a game's project, and nothing lands in the tracked tree.
let outDir = '';
const blockPath = new Map<Block, string>();
let program: ts.Program | undefined;

beforeAll(() => {
  const cacheDir = join(repoRoot, 'node_modules/.cache');
  mkdirSync(cacheDir, { recursive: true });
  outDir = mkdtempSync(join(cacheDir, 'doc-code-blocks-'));
  for (const block of compiled) {
    const named = NAMED_FILE.exec(block.code.split('\n', 1)[0]!)?.[1];
    const name = named ?? `${block.file.replace(/\.md$/, '').replaceAll('/', '-')}-L${block.fenceLine}.mts`;
    const path = join(outDir, name);
    if ([...blockPath.values()].includes(path)) throw new Error(`${label(block)}: another block is also ${name}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${block.code}\nexport {};\n`); // a module even without imports or exports
    blockPath.set(block, path);
  }
  program = ts.createProgram([...blockPath.values()], compilerOptions());
});

afterAll(() => {
  if (outDir !== '') rmSync(outDir, { recursive: true, force: true });
});

/** A diagnostic at its place in the markdown: `docs/x.md:12:5 TS2304: Cannot find name 'y'.` plus the line. */
function describeDiagnostic(block: Block, diagnostic: ts.Diagnostic): string {
  const message = `TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n  ')}`;
  if (diagnostic.file === undefined || diagnostic.start === undefined) return `${label(block)} ${message}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const source = block.code.split('\n')[line] ?? '';
  return `${block.file}:${block.fenceLine + 1 + line}:${character + 1} ${message}\n    | ${source.trim()}`;
}

describe('code blocks in README.md and docs/*.md', () => {
  it('finds the blocks, and every opt-out says why', () => {
    expect(compiled.length).toBeGreaterThan(20);
    console.log(
      `doc code blocks: ${blocks.length} ts blocks in ${markdownFiles.length} files, ${compiled.length} compiled, ${optedOut.length} opted out` +
        optedOut.map((block) => `\n  ${label(block)} not compiled: ${block.optOut}`).join(''),
    );
    for (const block of optedOut) expect(block.optOut, `${label(block)}: say why a block is not compiled`).not.toBe('');
    expect(optedOut.length).toBeLessThanOrEqual(3); // opt-outs are the exception
  });

  it('compiles under valid options', () => {
    const diagnostics = [...program!.getOptionsDiagnostics(), ...program!.getGlobalDiagnostics()];
    expect(diagnostics.map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))).toEqual([]);
  });

  it.each(compiled.map((block) => [label(block), block] as const))('%s compiles', (_name, block) => {
    const file = program!.getSourceFile(blockPath.get(block)!);
    expect(file, `${label(block)} is in the program`).toBeDefined();
    const diagnostics = [...program!.getSyntacticDiagnostics(file), ...program!.getSemanticDiagnostics(file)];
    const report = diagnostics.map((diagnostic) => describeDiagnostic(block, diagnostic));
    expect(report, `${label(block)} does not compile:\n${report.join('\n')}`).toEqual([]);
  });
});
