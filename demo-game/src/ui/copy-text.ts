/**
 * Copies `text` for the player, and says how it went. `navigator.clipboard` exists only in a
 * secure context (https or localhost): a page opened at `http://192.168.x.x` has none. There the
 * older `execCommand('copy')` on a selection still works in most browsers; where it does not, the
 * text is left selected in `shown` so the player can copy it with the usual keys or a long press.
 */
export async function copyText(text: string, shown: HTMLElement): Promise<'copied' | 'selected'> {
  if (navigator.clipboard !== undefined) {
    try {
      await navigator.clipboard.writeText(text);
      return 'copied';
    } catch {
      // denied (no permission, page not focused): fall back as without a clipboard
    }
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.cssText = 'position: fixed; top: 0; left: 0; opacity: 0;';
  document.body.append(area);
  area.select();
  let copied = false;
  try {
    copied = document.execCommand('copy');
  } catch {
    copied = false;
  }
  area.remove();
  if (copied) return 'copied';
  const range = document.createRange();
  range.selectNodeContents(shown);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  return 'selected';
}
