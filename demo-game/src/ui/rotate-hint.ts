import { h } from './dom.ts';

/**
 * Asks a phone held upright to turn sideways: the arena is round and the screen's long side is
 * what makes it big (upright, a 390-pixel phone shows it about 210 pixels wide). Shown only while
 * the screen is taller than wide; "Stay upright" hides it for the rest of the match.
 */
export class RotateHint {
  private readonly el: HTMLElement;
  private dismissed = false;

  constructor() {
    const stay = h('button', { id: 'rotate-dismiss', textContent: 'Stay upright' });
    stay.addEventListener('click', () => {
      this.dismissed = true;
      this.update();
    });
    this.el = h(
      'div',
      { id: 'rotate-hint', className: 'panel rotate-hint', style: 'display: none' },
      h('div', { className: 'rotate-icon', textContent: '⟳' }),
      h('h2', { textContent: 'Turn your phone sideways' }),
      h('p', { textContent: 'The arena is much bigger that way, and both thumbs fit.' }),
      h('div', { className: 'row' }, stay),
    );
    document.getElementById('ui')?.append(this.el);
    window.addEventListener('resize', this.update);
    this.update();
  }

  private readonly update = (): void => {
    const upright = window.innerHeight > window.innerWidth;
    this.el.style.display = upright && !this.dismissed ? '' : 'none';
  };

  destroy(): void {
    window.removeEventListener('resize', this.update);
    this.el.remove();
  }
}
