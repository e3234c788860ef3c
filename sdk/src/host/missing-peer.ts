/**
 * The host's native and terminal parts are optional peer dependencies of `backspin` (a browser
 * game installs neither). When one is missing, this turns Node's module-not-found error into
 * what to install; any other error is not ours to explain (undefined).
 */
export function missingPeer(error: unknown, name: 'node-datachannel' | 'qrcode'): string | undefined {
  const e = error as { code?: unknown; message?: unknown } | null;
  if (e === null || typeof e !== 'object' || e.code !== 'ERR_MODULE_NOT_FOUND') return undefined;
  if (typeof e.message !== 'string' || !e.message.includes(`'${name}'`)) return undefined;
  const version = name === 'node-datachannel' ? '@0.33.4' : '';
  const why = name === 'node-datachannel' ? 'the host needs WebRTC for Node' : 'it draws the join QR code';
  return `${why}: install it beside backspin with \`npm install ${name}${version}\` (docs/install.md)`;
}
