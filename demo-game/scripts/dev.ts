/**
 * `npm run dev`: the Backspin host (rooms and relay, on port 8080 or `--port N`) plus Vite's dev
 * server with hot reload, which passes the page's signaling requests on to the host.
 */
import { parseArgs } from 'node:util';
import { createServer } from 'vite';
import { startHost } from '../../sdk/src/host/geckos-host.ts';
import { DEMO_DIR } from './demo-build.ts';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
const host = await startHost({ port: Number(values.port), bindAddress: '0.0.0.0' });
process.env.BACKSPIN_HOST_PORT = String(host.port);
console.log(`Backspin host (rooms and relay) on port ${host.port}.`);
const vite = await createServer({ root: DEMO_DIR, configFile: `${DEMO_DIR}/vite.config.ts` });
await vite.listen();
vite.printUrls();
const stop = async () => {
  await vite.close();
  await host.close('the dev server stopped');
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
