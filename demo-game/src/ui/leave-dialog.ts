import { h } from './dom.ts';

/**
 * "Leave the match?" over a running match. Esc used to leave at once, and people press Esc to get
 * out of fullscreen (the browser takes that Esc, and the game saw it too), so leaving now asks
 * first; the match keeps running meanwhile (online it cannot wait). Esc again keeps playing.
 */
export class LeaveDialog {
  private readonly el: HTMLElement;

  constructor(online: boolean, onLeave: () => void) {
    const leave = h('button', { id: 'leave-confirm', className: 'danger', textContent: 'Leave' });
    const stay = h('button', { id: 'leave-cancel', className: 'primary', textContent: 'Keep playing' });
    leave.addEventListener('click', onLeave);
    stay.addEventListener('click', () => this.close());
    this.el = h(
      'div',
      { id: 'leave-dialog', className: 'panel dialog', style: 'display: none' },
      h('h2', { textContent: 'Leave the match?' }),
      h('p', { textContent: online ? 'You leave the room too; the others play on without you.' : 'This match ends.' }),
      h('div', { className: 'row' }, stay, leave),
    );
    document.getElementById('ui')?.append(this.el);
  }

  get open(): boolean {
    return this.el.style.display !== 'none';
  }

  show(): void {
    this.el.style.display = '';
    // Not focused: a key held for play (Space fires) must not press a button.
  }

  close(): void {
    this.el.style.display = 'none';
    (document.activeElement as HTMLElement | null)?.blur?.();
  }

  /** Esc: asks, or, asked already, keeps playing. */
  toggle(): void {
    if (this.open) this.close();
    else this.show();
  }

  destroy(): void {
    this.el.remove();
  }
}
