// Keyboard focus across re-renders: the periodic refresh replaces the rows under the keyboard, and a
// keyboard user must not be thrown back to the top of the page.

import { $ } from "./dom.js";
import { state } from "./state.js";

export const viewTitle = () => $(`${state.route.view}-title`);

const focusAction = (key) => key.split(":")[0];
export const withFocusKey = (key) => [...document.querySelectorAll("[data-focus]")].find((el) => el.dataset.focus === key);
const byFocusAction = (action) =>
  [...document.querySelectorAll("[data-focus]")].filter((el) => focusAction(el.dataset.focus) === action);

/**
 * Re-rendering replaces the focused control: focus its replacement (same data-focus), or when its row
 * is gone (just decided) the same control of the row that took its place, so keyboard users keep going.
 */
export function keepingFocus(render) {
  const active = document.activeElement;
  const key = active?.dataset?.focus;
  if (!key) return render();
  const index = byFocusAction(focusAction(key)).indexOf(active);
  render();
  const peers = byFocusAction(focusAction(key));
  const next = withFocusKey(key) ?? peers[Math.min(Math.max(index, 0), peers.length - 1)];
  if (next) next.focus();
  else viewTitle()?.focus();
}
