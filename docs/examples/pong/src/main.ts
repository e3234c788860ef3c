import type { NetworkPresetName } from 'backspin/sim';
import { Keyboard } from './keyboard.ts';
import type { Match } from './match.ts';
import { OfflineMatch } from './offline-match.ts';
import { drawPong } from './pong-view.ts';

/** The sessions are also ticked from a timer (ms), because browsers stop animation frames in a background tab and a silent peer gets dropped. */
const TIMER_TICK_MS = 10;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const canvas = $<HTMLCanvasElement>('field');
const ctx = canvas.getContext('2d')!;
const status = $<HTMLParagraphElement>('status');
const preset = $<HTMLSelectElement>('preset');
const keyboard = new Keyboard(window);
let match: Match | undefined;
/** A message that stands in for the match's status line until the next match starts (connecting, an error). */
let notice: string | undefined;

function play(next: Match): void {
  match?.dispose();
  match = next;
  notice = undefined;
  (document.activeElement as HTMLElement | null)?.blur(); // the arrow keys move the paddle, not the menu
}

function tick(): void {
  match?.tick(performance.now(), keyboard.read);
}

function frame(): void {
  tick();
  drawPong(ctx, match?.game?.state, match?.localPlayer ?? 0);
  status.textContent = notice ?? match?.status(performance.now()) ?? '';
  requestAnimationFrame(frame);
}

/** Online code is a separate chunk, fetched on first use: the offline game does not carry the WebRTC client. */
async function goOnline(create: boolean): Promise<void> {
  const name = $<HTMLInputElement>('name').value.trim() || 'Player';
  const code = $<HTMLInputElement>('code').value.trim();
  notice = 'Connecting to the host…';
  try {
    const { OnlineMatch } = await import('./online-match.ts');
    play(await OnlineMatch.open(create ? { action: 'create', name, settings: { maxPlayers: 2 } } : { action: 'join', code, name, role: 'player' }));
  } catch (e) {
    match?.dispose();
    match = undefined;
    notice = `Could not go online: ${(e as { reason?: string }).reason ?? String(e)}`;
  }
}

$('offline').addEventListener('click', () => play(new OfflineMatch(preset.value as NetworkPresetName)));
$('create').addEventListener('click', () => void goOnline(true));
$('join').addEventListener('click', () => void goOnline(false));
setInterval(tick, TIMER_TICK_MS);
requestAnimationFrame(frame);
play(new OfflineMatch(preset.value as NetworkPresetName));
