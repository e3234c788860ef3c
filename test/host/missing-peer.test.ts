import { describe, expect, it } from 'vitest';
import { missingPeer } from '../../sdk/src/host/missing-peer.ts';

/** What Node throws for `import('node-datachannel')` where it is not installed. */
function notFound(name: string): Error {
  return Object.assign(new Error(`Cannot find package '${name}' imported from /app/node_modules/backspin/dist/host/member-peer.js`), { code: 'ERR_MODULE_NOT_FOUND' });
}

describe('missingPeer: the host’s optional peer dependencies, named when missing', () => {
  it('turns Node’s module-not-found for node-datachannel or qrcode into what to install', () => {
    expect(missingPeer(notFound('node-datachannel'), 'node-datachannel')).toBe(
      'the host needs WebRTC for Node: install it beside backspin with `npm install node-datachannel@0.33.4` (docs/install.md)',
    );
    expect(missingPeer(notFound('qrcode'), 'qrcode')).toBe('it draws the join QR code: install it beside backspin with `npm install qrcode` (docs/install.md)');
  });

  it('leaves every other error alone, so that a real failure is not mistaken for a missing package', () => {
    expect(missingPeer(notFound('qrcode'), 'node-datachannel')).toBeUndefined(); // another package
    expect(missingPeer(Object.assign(new Error("Cannot find module 'node-datachannel'"), { code: 'MODULE_NOT_FOUND' }), 'node-datachannel')).toBeUndefined();
    expect(missingPeer(new Error('libdatachannel: bind failed'), 'node-datachannel')).toBeUndefined();
    expect(missingPeer(undefined, 'node-datachannel')).toBeUndefined();
    expect(missingPeer('node-datachannel', 'node-datachannel')).toBeUndefined();
  });
});
