import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from '../../sdk/src/host/static-files.ts';

/**
 * The host's static file handler on a real HTTP server (loopback), with raw request targets: an
 * HTTP client library would normalize the `..` and encodings an attacker sends as they are.
 */
const SECRET = 'TOP-SECRET-CONTENT';
const INDEX = '<!doctype html><title>game</title>';
let dir: string;
let server: Server;
let port: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backspin-static-'));
  const root = join(dir, 'root');
  await mkdir(join(root, 'sub'), { recursive: true });
  await mkdir(join(root, 'assets'), { recursive: true });
  await mkdir(join(dir, 'root-evil'), { recursive: true });
  await mkdir(join(dir, 'outside'), { recursive: true });
  await writeFile(join(root, 'index.html'), INDEX);
  await writeFile(join(root, 'app.js'), 'console.log(1)');
  await writeFile(join(root, 'assets', 'logo.PNG'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  await writeFile(join(root, 'assets', 'data.bin'), Buffer.from([1, 2, 3]));
  await writeFile(join(root, 'sub', 'index.html'), '<p>sub</p>');
  await writeFile(join(root, 'with space.txt'), 'spaced');
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await writeFile(join(dir, 'root-evil', 'x.txt'), SECRET);
  await writeFile(join(dir, 'outside', 'secret.txt'), SECRET);
  await symlink(join(dir, 'secret.txt'), join(root, 'link.txt'));
  await symlink(join(dir, 'outside'), join(root, 'linkdir'));
  await symlink(join(root, 'app.js'), join(root, 'inside-link.js'));
  const handler = serveStatic(root);
  server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await rm(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request with the target sent exactly as written. */
function get(path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveStatic', () => {
  it('serves files with their type, length and caching headers', async () => {
    const js = await get('/app.js');
    expect(js.status).toBe(200);
    expect(js.body).toBe('console.log(1)');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['content-length']).toBe('14');
    expect(js.headers['x-content-type-options']).toBe('nosniff');
    expect(js.headers['cache-control']).toBe('public, max-age=300');
    expect((await get('/assets/logo.PNG')).headers['content-type']).toBe('image/png');
    expect((await get('/assets/data.bin')).headers['content-type']).toBe('application/octet-stream');
    expect((await get('/with%20space.txt')).body).toBe('spaced');
    expect((await get('/app.js?v=3#x')).body).toBe('console.log(1)');
  });

  it('serves index.html for / and for folders, never cached', async () => {
    const root = await get('/');
    expect(root.status).toBe(200);
    expect(root.body).toBe(INDEX);
    expect(root.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(root.headers['cache-control']).toBe('no-cache');
    expect((await get('/sub/')).body).toBe('<p>sub</p>');
    expect((await get('/sub')).body).toBe('<p>sub</p>');
  });

  it('falls back to index.html for unknown paths without an extension (single-page apps), 404 otherwise', async () => {
    expect((await get('/lobby/ABCDEF')).body).toBe(INDEX);
    expect((await get('/join')).body).toBe(INDEX);
    const missing = await get('/missing.js');
    expect(missing.status).toBe(404);
    expect(missing.body).toBe('Not found');
    expect((await get('/assets/nope.png')).status).toBe(404);
  });

  it('answers HEAD with the headers only, and other methods with 405', async () => {
    const head = await get('/app.js', 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('14');
    expect(head.body).toBe('');
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const reply = await get('/app.js', method);
      expect(reply.status, method).toBe(405);
      expect(reply.headers['allow']).toBe('GET, HEAD');
    }
  });

  it('never serves anything outside the root, however the path is written', async () => {
    const attempts = [
      '/../secret.txt',
      '/../../secret.txt',
      '/sub/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/..%2Fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/sub/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/%252e%252e/secret.txt',
      '/.%2e/secret.txt',
      '/../root-evil/x.txt',
      '/%2e%2e/root-evil/x.txt',
      '/../outside/secret.txt',
      '//../secret.txt',
      `/${dir}/secret.txt`,
      `/%2f${dir.slice(1)}/secret.txt`,
      `${dir}/secret.txt`,
      '/link.txt',
      '/linkdir/secret.txt',
      '/index.html%00.js',
      '/%00',
      '/secret.txt%00',
      '/%E0%A4%A',
      '/%',
    ];
    for (const path of attempts) {
      const reply = await get(path);
      expect(reply.body, path).not.toContain(SECRET);
      expect([200, 400, 403, 404], path).toContain(reply.status);
      // A 200 can only be the SPA fallback.
      if (reply.status === 200) expect(reply.body, path).toBe(INDEX);
    }
    // NUL and broken encodings are refused outright.
    expect((await get('/index.html%00.js')).status).toBe(400);
    expect((await get('/%E0%A4%A')).status).toBe(400);
    // Symlinks out of the root are found, and refused.
    expect((await get('/link.txt')).status).toBe(403);
    expect((await get('/linkdir/secret.txt')).status).toBe(403);
  });

  it('follows a symlink that stays inside the root', async () => {
    expect((await get('/inside-link.js')).body).toBe('console.log(1)');
  });
});
