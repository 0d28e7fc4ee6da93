// Meety admin portal: plain ES modules, no framework, no build step. This is the entry point: it wires
// the page's controls, registers the views with the router, keeps the current view fresh and starts.
//
// Security rules the modules keep (the page runs under a strict CSP):
// - request fields are text typed by visitors: the DOM is built with createElement/textContent only,
//   never innerHTML, and no URL is built from a field without validating it first;
// - the bearer token lives in sessionStorage (one tab, gone when the tab closes);
// - the role read from the token only hides controls; the API enforces it.

import { restoreSession } from "./auth.js";
import { loadConfig } from "./config.js";
import { closeDialog, onDecide, onDialogClosed } from "./dialog.js";
import { $, ZONE, addDays, showProblem } from "./dom.js";
import { loadOpsAudit, mountOpsAudit } from "./ops-audit.js";
import { navigate, refreshView, registerLoaders, route, showSignIn, showView } from "./router.js";
import { weekHash } from "./routes.js";
import { endSession, onSignIn, startSession } from "./session.js";
import { state } from "./state.js";
import { currentMonday, loadCalendar } from "./views-calendar.js";
import { loadDetail } from "./views-detail.js";
import { loadQueue, onFilters, onPage } from "./views-queue.js";

const REFRESH_MS = 30_000;

registerLoaders({ queue: loadQueue, detail: loadDetail, calendar: loadCalendar, "ops-audit": loadOpsAudit });

// ---------------------------------------------------------------- periodic refresh

/** Every 30 s, unless the tab is hidden, a dialog is open or a load is still running. */
function tick() {
  if (!state.session || document.hidden || state.dialog || state.busy) return;
  if (document.activeElement?.closest?.("#filters")) return; // do not disturb someone editing filters
  refreshView({ quiet: true });
}

function onVisibility() {
  if (!document.hidden && Date.now() - state.lastLoaded > REFRESH_MS) tick();
}

// ---------------------------------------------------------------- start

function wire() {
  mountOpsAudit();
  $("signin-form").addEventListener("submit", onSignIn);
  $("sign-out").addEventListener("click", () => endSession("You have signed out."));
  $("filters").addEventListener("submit", onFilters);
  for (const id of ["filter-status", "filter-kind", "filter-limit"]) $(id).addEventListener("change", () => onFilters());
  $("page-prev").addEventListener("click", () => onPage(-1));
  $("page-next").addEventListener("click", () => onPage(1));
  $("week-prev").addEventListener("click", () => navigate(weekHash(addDays(currentMonday(), -7))));
  $("week-next").addEventListener("click", () => navigate(weekHash(addDays(currentMonday(), 7))));
  $("week-today").addEventListener("click", () => navigate("#/calendar"));
  $("decide-form").addEventListener("submit", onDecide);
  $("decide-cancel").addEventListener("click", closeDialog);
  $("decide-dialog").addEventListener("close", onDialogClosed);
  window.addEventListener("hashchange", () => route({ focus: true }));
  document.addEventListener("visibilitychange", onVisibility);
  window.setInterval(tick, REFRESH_MS);
}

async function main() {
  $("zone-name").textContent = ZONE;
  wire();
  try {
    state.config = await loadConfig();
  } catch (problem) {
    showView("signin");
    $("signin-submit").disabled = true;
    showProblem(`The portal is not configured correctly (config.json: ${problem.message}).`);
    return;
  }
  const saved = restoreSession();
  if (saved) {
    startSession(saved);
    if (state.session) route();
  } else {
    showSignIn();
  }
}

main();
