/**
 * `npm start`: builds the demo if needed, then runs the Backspin host serving it, on port 8080 by
 * default. Options after `--` go to the host (`npm start -- --port 9000`, `--bind`, `--help`).
 */
import { runHostCli } from '../../sdk/src/host/host-cli.ts';
import { buildDemoIfNeeded, DIST_DIR } from './demo-build.ts';

const argv = process.argv.slice(2);
if (!argv.includes('--help')) {
  try {
    await buildDemoIfNeeded();
  } catch (error) {
    console.error(`npm start: the demo did not build: ${(error as Error).message}`);
    process.exit(1);
  }
}
await runHostCli(argv.includes('--static') ? argv : [...argv, '--static', DIST_DIR]);
