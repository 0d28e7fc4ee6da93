// The ops audit view: what the bot answered and refused to ops questions (deploy status, alarms,
// backups), newest first, from GET /ops-audit. The API's default window is the last 7 days; "Load more"
// follows its cursor, which keeps page one's window however much time has passed since.
//
// Route: #/ops-audit (optionally ?limit=1..100, the page size; default 50). Every field is text from
// the bot's audit log: it goes in through h() (text nodes), never as markup, and a request id only
// becomes a link when it is a ULID.

import { api, messageOf } from "./api.js";
import { $, ZONE, announce, h, show, showProblem, timeElement } from "./dom.js";
import { keepingFocus, viewTitle } from "./focus.js";
import { cell } from "./parts.js";
import { stale } from "./router.js";
import { ID_PATTERN, SessionEnded, state } from "./state.js";

const DEFAULT_LIMIT = 50;
const HEADERS = ["Time", "Intent", "Outcome", "Actor", "Channel", "Detail", "Request"];
/** Outcomes shown with the colours the request statuses already use; anything else stays plain. */
const OUTCOME_BADGE = {
  answered: "badge-succeeded",
  filed: "badge-pending",
  refused: "badge-rejected",
  failed: "badge-failed",
};

/** What is on screen: the entries loaded so far, the cursor of the next page, and pages loaded. */
const view = { limit: DEFAULT_LIMIT, items: [], cursor: null, pages: 0, loading: false };

const entries = (count) => `${count} ${count === 1 ? "entry" : "entries"}`;

/** Build the view's contents once, into the empty ``#view-ops-audit`` section (called at start-up). */
export function mountOpsAudit() {
  const rows = h("tbody", { id: "ops-audit-rows", role: "rowgroup" });
  $("view-ops-audit").replaceChildren(
    h("h1", { id: "ops-audit-title", tabindex: "-1" }, "Ops audit"),
    h("p", { id: "ops-audit-range", class: "note" }),
    h(
      "div",
      { id: "ops-audit-region", class: "table-region", "aria-live": "off" },
      h(
        "table",
        { id: "ops-audit-table", class: "audit ops-audit", role: "table", hidden: true },
        h("caption", { class: "visually-hidden" }, "Ops questions answered and refused, newest first"),
        h(
          "thead",
          { role: "rowgroup" },
          h("tr", { role: "row" }, HEADERS.map((t) => h("th", { scope: "col", role: "columnheader" }, t))),
        ),
        rows,
      ),
      h("p", { id: "ops-audit-empty", class: "note", hidden: true }, "No ops questions were answered or refused in the last 7 days."),
    ),
    h(
      "div",
      { class: "pager" },
      h("button", { type: "button", id: "ops-audit-more", class: "secondary", hidden: true, onclick: onLoadMore }, "Load more"),
    ),
  );
}

function limitOf(query) {
  const text = query?.get("limit") ?? "";
  const limit = /^\d{1,3}$/.test(text) ? Number.parseInt(text, 10) : DEFAULT_LIMIT;
  return limit >= 1 && limit <= 100 ? limit : DEFAULT_LIMIT;
}

function pageUrl(cursor) {
  const params = new URLSearchParams({ limit: String(view.limit) });
  if (cursor) params.set("cursor", cursor);
  return `/ops-audit?${params}`;
}

/** The router's loader: page one. The 30 s refresh leaves alone a list someone has extended. */
export async function loadOpsAudit(load, quiet) {
  const limit = limitOf(state.route.query);
  if (quiet && view.pages > 1 && limit === view.limit) return;
  view.limit = limit;
  $("ops-audit-region").setAttribute("aria-busy", "true");
  const response = await api(pageUrl(null));
  if (stale(load)) return;
  $("ops-audit-region").removeAttribute("aria-busy");
  if (response.status !== 200) return showProblem(messageOf(response));
  Object.assign(view, { items: itemsOf(response), cursor: cursorOf(response), pages: 1 });
  render();
  if (!quiet) announce(`Ops audit: ${entries(view.items.length)}${view.cursor ? ", more to load" : ""}.`);
}

async function onLoadMore() {
  if (!view.cursor || view.loading || !state.session || state.route.view !== "ops-audit") return;
  const button = $("ops-audit-more");
  const hadFocus = document.activeElement === button;
  const load = ++state.loads; // a refresh still under way is dropped, as the router does
  state.busy = true;
  view.loading = true;
  // aria-disabled, not disabled: a disabled button under the keyboard would drop focus to <body>
  button.setAttribute("aria-disabled", "true");
  try {
    const response = await api(pageUrl(view.cursor));
    if (stale(load)) return;
    if (response.status === 400) {
      // the cursor no longer fits (e.g. the server restarted with other data): start from page one
      showProblem("The list could not be continued; it shows the latest entries again.");
      view.pages = 0;
      return await loadOpsAudit(load, true);
    }
    if (response.status !== 200) return showProblem(messageOf(response));
    showProblem("");
    const added = itemsOf(response);
    view.items.push(...added);
    view.cursor = cursorOf(response);
    view.pages += 1;
    render();
    announce(`${entries(added.length)} more loaded${view.cursor ? "" : "; that is all"}.`);
  } catch (problem) {
    if (!(problem instanceof SessionEnded)) showProblem("The page could not be updated. Please try again.");
  } finally {
    if (load === state.loads) state.busy = false;
    view.loading = false;
    button.removeAttribute("aria-disabled");
    // the last page hides the button under the keyboard: keep focus in the view
    if (hadFocus && button.hidden && state.route.view === "ops-audit") viewTitle()?.focus();
  }
}

const itemsOf = (response) => (Array.isArray(response.data?.items) ? response.data.items : []);
const cursorOf = (response) => (typeof response.data?.cursor === "string" ? response.data.cursor : null);

function render() {
  const rows = view.items.map(auditRow);
  keepingFocus(() => $("ops-audit-rows").replaceChildren(...rows));
  show($("ops-audit-table"), rows.length > 0);
  show($("ops-audit-empty"), rows.length === 0);
  show($("ops-audit-more"), Boolean(view.cursor));
  const shown = rows.length ? ` Showing ${entries(rows.length)}${view.cursor ? "; there are more" : ""}.` : "";
  $("ops-audit-range").textContent = `The last 7 days, newest first, in ${ZONE}.${shown}`;
}

function auditRow(entry) {
  return h(
    "tr",
    { role: "row" },
    cell("Time", timeElement(entry.at)),
    cell("Intent", entry.intent ?? ""),
    cell("Outcome", outcomeOf(entry.outcome)),
    cell("Actor", entry.actor ?? ""),
    cell("Channel", entry.channel ?? ""),
    cell("Detail", entry.detail ?? "—"),
    cell("Request", requestOf(entry)),
  );
}

function outcomeOf(outcome) {
  const known = Object.hasOwn(OUTCOME_BADGE, outcome) ? OUTCOME_BADGE[outcome] : null;
  return h("span", { class: known ? `badge ${known}` : "badge" }, outcome ?? "");
}

function requestOf(entry) {
  const id = entry.request_id;
  if (!id) return "—";
  if (!ID_PATTERN.test(id)) return h("code", {}, id); // not an id we can link to: shown, never put in a URL
  const key = ID_PATTERN.test(entry.id ?? "") ? `ops:${entry.id}` : null;
  return h("a", { href: `#/requests/${id}`, "data-focus": key, "aria-label": `Request ${id}` }, h("code", {}, id));
}
