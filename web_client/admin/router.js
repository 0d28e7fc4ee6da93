// Which view is on screen: the hash route, the sign-in form when signed out, and (re)loading the
// current view. The views register their loaders here (see admin.js) so that they can import the
// router for navigation without the router importing them back.

import { canRead } from "./auth.js";
import { $, announce, show, showProblem } from "./dom.js";
import { viewTitle } from "./focus.js";
import { parseRoute } from "./routes.js";
import { SessionEnded, state } from "./state.js";

const VIEWS = ["signin", "queue", "detail", "calendar", "ops-audit"];

export function showView(name) {
  for (const view of VIEWS) show($(`view-${view}`), view === name);
  for (const link of document.querySelectorAll("#nav a")) {
    const current = link.dataset.view === name || (name === "detail" && link.dataset.view === "queue");
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

export function showSignIn(message) {
  showView("signin");
  const note = $("signin-note");
  note.textContent = message ?? "";
  show(note, Boolean(message));
  if (message) announce(message);
  $("signin-error").textContent = "";
  show($("signin-new-password-field"), Boolean(state.challenge));
  $("signin-username").focus();
}

/** ``{queue, detail, calendar, "ops-audit"}``: ``(load, quiet) => Promise`` each, to show the current route's data. */
const loaders = {};

export function registerLoaders(given) {
  Object.assign(loaders, given);
}

/** Go to ``hash``; when it is already current no hashchange fires, so render directly. */
export function navigate(hash) {
  if (location.hash === hash) route({ focus: true });
  else location.hash = hash;
}

export function route({ focus = false } = {}) {
  if (!state.session) return showSignIn();
  showProblem("");
  state.route = parseRoute();
  showView(state.route.view);
  if (focus) viewTitle().focus();
  refreshView({ quiet: false });
}

/** Reload what is on screen; quiet refreshes (the timer) neither announce nor move focus. */
export async function refreshView({ quiet }) {
  if (!state.session || !canRead()) return;
  const load = ++state.loads;
  state.busy = true;
  try {
    const loader = loaders[state.route.view];
    if (loader) await loader(load, quiet);
    state.lastLoaded = Date.now();
  } catch (problem) {
    if (!(problem instanceof SessionEnded)) showProblem("The page could not be updated. Please try again.");
  } finally {
    if (load === state.loads) state.busy = false;
  }
}

export const stale = (load) => load !== state.loads || !state.session;
