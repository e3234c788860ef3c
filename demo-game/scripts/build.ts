/** `npm run build:demo`: builds the demo into demo-game/dist (what `npm start` serves). */
import { buildDemo, DIST_DIR } from './demo-build.ts';

await buildDemo();
console.log(`Built ${DIST_DIR}`);
