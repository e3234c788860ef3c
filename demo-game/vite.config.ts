import { readFileSync } from 'node:fs';
import { defaultClientConditions, defineConfig } from 'vite';
import type { Plugin } from 'vite';
import { defaultNetworkProfilesPath } from '../sdk/src/sim/load-network-profiles.ts';
import { parseNetworkProfiles } from '../sdk/src/sim/network-profile.ts';

/** Where the page fetches the network simulator's profiles from (next to index.html). */
const PROFILES_FILE = 'network-profiles.json';

/**
 * Serves (dev) and ships (build) the shared network profiles next to the page, so that the network
 * simulator loads them by name at run time rather than carrying a copy in the source. The file
 * is `../shared/network-profiles.json` beside the repository (or `$BACKSPIN_NETWORK_PROFILES`);
 * where it is missing or invalid, the build warns and the simulator says so on screen.
 */
function networkProfiles(): Plugin {
  const read = (): string | undefined => {
    const path = defaultNetworkProfilesPath();
    try {
      const text = readFileSync(path, 'utf8');
      parseNetworkProfiles(JSON.parse(text));
      return text;
    } catch (error) {
      console.warn(`[backspin] no network profiles for the simulator (${path}): ${(error as Error).message}`);
      return undefined;
    }
  };
  return {
    name: 'backspin-network-profiles',
    configureServer(server) {
      server.middlewares.use(`/${PROFILES_FILE}`, (_req, res) => {
        const text = read();
        res.statusCode = text === undefined ? 404 : 200;
        res.setHeader('content-type', 'application/json');
        res.end(text ?? '{}');
      });
    },
    generateBundle() {
      const text = read();
      if (text !== undefined) this.emitFile({ type: 'asset', fileName: PROFILES_FILE, source: text });
    },
  };
}

export default defineConfig({
  // Relative asset paths: the host may serve the game from any folder.
  base: './',
  plugins: [networkProfiles()],
  // The demo imports `backspin` as a game does; inside the repository its TypeScript sources stand
  // in for the package's build (sdk/package.json's `backspin-source` condition), so no build step.
  resolve: { conditions: ['backspin-source', ...defaultClientConditions] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Phaser alone is ~1.2 MB minified; one chunk is fine on a LAN.
    chunkSizeWarningLimit: 2000,
    sourcemap: true,
  },
  server: {
    host: true,
    port: 5173,
    // `npm run dev`: the host runs beside Vite; the page's signaling requests go through Vite to it
    // (same origin for the browser), and the WebRTC traffic then goes to the host's UDP port directly.
    proxy: Object.fromEntries(['/.wrtc', '/.backspin'].map((path) => [path, `http://127.0.0.1:${process.env.BACKSPIN_HOST_PORT ?? '8080'}`])),
  },
});
