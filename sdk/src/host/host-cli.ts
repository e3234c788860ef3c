import { parseArgs } from 'node:util';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startHost } from './geckos-host.ts';
import { lanUrls, urlOf } from './lan-urls.ts';
import { logRooms } from './room-log.ts';
import { missingPeer } from './missing-peer.ts';

const USAGE = `Usage: backspin-host [--port 8080] [--bind 0.0.0.0] [--static DIR]

Hosts Backspin rooms on this machine: serves DIR (the game) and the WebRTC signaling on one TCP
port, and every player's WebRTC data channel on the same port number in UDP.

  --port N                     TCP and UDP port (default 8080; 0 picks a free one)
  --bind ADDR                  address to listen on (default 0.0.0.0: every interface, so the LAN can join)
  --static DIR                 folder of files to serve (the built game)
  --rooms-per-address N        open rooms one address may have created (default 4)
  --room-creates-per-minute N  rooms one address may create per minute (default 6)
  --no-room-list               do not list the open rooms for pages (GET /.backspin/rooms.json):
                               joining then needs the room's code or link
  --help                       this text

Limits (docs/hosting.md explains each): 64 rooms in all; per address, 10 failed joins a
minute, 4 WebRTC connections still connecting (closed if not open after 10 s) and 8 signaling
requests at a time; a signaling body of at most 16 KiB, from the host's own page only; per
member, 1000 frames and 256 KiB a second, 2 chat lines a second (bursts of 5) and 10 other
requests a second (bursts of 20). Text messages on a data channel are dropped.

Stop with Ctrl+C: every player is told the host is going. \`kill -USR2 <pid>\` prints the
host's counters (connections, rooms, what it refused and dropped) as one line of JSON.`;

/** Parses the command line; throws a message for the user on bad input. */
export function parseHostArgs(
  argv: readonly string[],
): { port: number; bind: string; staticDir: string | undefined; roomsPerAddress: number; roomCreatesPerMinute: number; roomList: boolean } | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      port: { type: 'string', default: '8080' },
      bind: { type: 'string', default: '0.0.0.0' },
      static: { type: 'string' },
      'rooms-per-address': { type: 'string', default: '4' },
      'room-creates-per-minute': { type: 'string', default: '6' },
      'no-room-list': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  // Digits only: Number() would take '' (0, a random port), ' 80', '1e3' or '0x50' as well.
  const port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
  let staticDir: string | undefined;
  if (values.static !== undefined) {
    staticDir = resolve(values.static);
    if (!existsSync(staticDir) || !statSync(staticDir).isDirectory()) throw new Error(`--static: no such folder: ${staticDir}`);
  }
  return {
    port,
    bind: values.bind ?? '0.0.0.0',
    staticDir,
    roomsPerAddress: countArg('--rooms-per-address', values['rooms-per-address']),
    roomCreatesPerMinute: countArg('--room-creates-per-minute', values['room-creates-per-minute']),
    roomList: !values['no-room-list'],
  };
}

/** A whole number from 1 to 1,000,000 given on the command line; throws a message for the user otherwise. */
function countArg(name: string, value: string): number {
  const n = /^\d{1,7}$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new Error(`${name} must be a whole number from 1 to 1000000, got "${value}"`);
  return n;
}

/**
 * Runs the host command with `argv` (the options after the program name): prints the addresses
 * and a QR code, serves until SIGINT or SIGTERM. Sets `process.exitCode` on bad options (2) or a
 * failed start (1). `npm start` calls it after building the demo.
 */
export async function runHostCli(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  let args: ReturnType<typeof parseHostArgs>;
  try {
    args = parseHostArgs(argv);
  } catch (error) {
    console.error(`backspin-host: ${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (args === 'help') {
    console.log(USAGE);
    return;
  }
  // Without the optional peer node-datachannel, startHost rejects saying what to install (it loads
  // the WebRTC side itself), and that is printed below as why the host could not start.
  let host;
  try {
    host = await startHost({
      port: args.port,
      bindAddress: args.bind,
      ...(args.staticDir !== undefined ? { staticDir: args.staticDir } : {}),
      relay: { roomsPerAddress: args.roomsPerAddress, roomCreatesPerMinute: args.roomCreatesPerMinute },
      ...(args.roomList ? {} : { roomList: false as const }),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    console.error(
      e.code === 'EADDRINUSE'
        ? `backspin-host: port ${args.port} is in use; pick another with --port`
        : `backspin-host: could not start: ${e.message}`,
    );
    process.exitCode = 1;
    return;
  }
  // The last line of defence: every native callback and request handler of the host is guarded,
  // so this never runs unless there is a bug; one bad connection must still not end every match
  // on the host. Logged loudly for a bug report (tests fail on this line).
  const survive = (what: string) => (error: unknown) => console.error(`backspin-host: internal error, ${what} (the host keeps running; please report this):`, error);
  process.on('uncaughtException', survive('uncaught exception'));
  process.on('unhandledRejection', survive('unhandled rejection'));
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: telling every player the host is going...`);
    await host.close('the host stopped');
    console.log('Host stopped.');
    process.exit(0);
  };
  // Before anything is printed: whoever waits for the "listening" line may signal at once.
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  // `kill -USR2 <pid>`: one line of counters, for a LAN host wondering what its host is doing.
  if (process.platform !== 'win32') process.on('SIGUSR2', () => console.log(`Stats: ${JSON.stringify({ rssBytes: process.memoryUsage().rss, ...host.stats() })}`));

  const everywhere = args.bind === '0.0.0.0';
  const loopback = args.bind === 'localhost' || args.bind === '::1' || args.bind.startsWith('127.');
  // Bound to one address, the host answers on that address only: `localhost` would not reach it.
  const local = everywhere || loopback ? `http://localhost:${host.port}/` : urlOf(args.bind, host.port);
  const urls = lanUrls(args.bind, host.port);
  console.log(`Backspin host listening on port ${host.port} (TCP for the page, UDP for the game).`);
  console.log(`  On this machine:  ${local}`);
  for (const url of urls) console.log(`  On the LAN:       ${url}`);
  if (urls[0] !== undefined) {
    const qr = await terminalQrOrHint(urls[0]);
    console.log(qr.startsWith('(') ? `\n${qr}` : `\nScan to join (${urls[0]}):\n\n${qr}`);
  } else {
    console.log(loopback ? '\nBound to loopback: only this machine can join.' : '\nNo LAN address found: only this machine can join.');
  }
  if (args.staticDir === undefined) console.log('(No --static folder: serving signaling only.)');
  console.log('Press Ctrl+C to stop.');
  // From here on, one line per room event: who created, joined and left which room, and matches.
  logRooms(host.relay.authority, (line) => console.log(line));
}

/** The join QR code for a terminal, or a hint in brackets where the optional peer dependency qrcode is not installed. */
async function terminalQrOrHint(url: string): Promise<string> {
  try {
    const { terminalQr } = await import('./terminal-qr.ts');
    return await terminalQr(url);
  } catch (error) {
    const missing = missingPeer(error, 'qrcode');
    if (missing === undefined) throw error;
    return `(No QR code: ${missing})`;
  }
}

/**
 * Whether this file is the program being run (directly, through tsx, or through the bin, which
 * sets argv[1] to it). Compared as file URLs of real paths: the naive `file://${argv[1]}` never
 * matches on Windows (`C:\...`) or for a path with a space or non-ASCII characters (percent-encoded
 * in the URL), and the host would silently do nothing.
 */
function isMain(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}

if (isMain()) void runHostCli();
