import { soundBank } from '../audio/sound-bank.ts';
import { h } from './dom.ts';

/**
 * The title screen's sound settings: a mute button and a volume slider, following the sound bank
 * (M in a match changes the same settings), remembered between visits. Until the browser lets
 * audio start (it waits for a first click or key on the page), a note says so. It follows the
 * settings until the panel has left the page, then lets go at the next change or click.
 */
export function soundControls(): HTMLElement {
  const mute = h('button', { id: 'sound-mute', type: 'button' });
  const volume = h('input', { id: 'sound-volume', type: 'range', min: '0', max: '100', step: '5' });
  volume.setAttribute('aria-label', 'Volume');
  const note = h('span', { className: 'help', id: 'sound-note' });
  const refresh = () => {
    // Once the panel has left the page (the scene changed), stop following: nothing to show.
    if (shown && !row.isConnected) {
      stop();
      document.removeEventListener('click', onClick);
      return;
    }
    shown ||= row.isConnected;
    mute.textContent = soundBank.muted ? '♪ Sound off' : '♪ Sound on';
    mute.setAttribute('aria-pressed', String(soundBank.muted));
    volume.value = String(Math.round(soundBank.volume * 100));
    note.textContent = soundBank.unlocked ? `${Math.round(soundBank.volume * 100)}% · M mutes in a match` : 'Sound starts with your first click or key.';
  };
  let shown = false;
  mute.addEventListener('click', () => soundBank.toggleMute());
  volume.addEventListener('input', () => soundBank.setVolume(Number(volume.value) / 100));
  const row = h('div', { className: 'row', id: 'sound-controls' }, mute, h('label', { className: 'field' }, h('span', { textContent: 'Volume' }), volume), note);
  const stop = soundBank.onChange(refresh);
  // The note changes with the unlock, which no setting announces: look again after each click.
  const onClick = () => setTimeout(refresh, 50);
  document.addEventListener('click', onClick);
  refresh();
  return row;
}
