// The requests view: filters (kept in the hash), the table of requests newest first, and paging
// over the API's cursor, with a stack of the cursors seen so Previous needs no extra call.

import { backupTarget } from "./backups.js";
import { api, messageOf } from "./api.js";
import { $, announce, formatRange, h, plural, show, showProblem, timeElement } from "./dom.js";
import { keepingFocus, viewTitle } from "./focus.js";
import { actionsFor, badge, cell } from "./parts.js";
import { navigate, refreshView, stale } from "./router.js";
import { REQUESTER_PATTERN, queueHashOf } from "./routes.js";
import { ID_PATTERN, state } from "./state.js";

function syncFilterForm(filters) {
  $("filter-status").value = filters.status;
  $("filter-kind").value = filters.kind;
  $("filter-requester").value = filters.requester;
  $("filter-limit").value = String(filters.limit);
}

export function onFilters(event) {
  event?.preventDefault();
  const input = $("filter-requester");
  const requester = input.value.trim();
  const error = $("filter-requester-error");
  const valid = requester === "" || REQUESTER_PATTERN.test(requester);
  error.textContent = valid ? "" : "Write the requester as channel:id, for example web:abc123.";
  input.setAttribute("aria-invalid", String(!valid));
  if (!valid) {
    input.focus();
    return;
  }
  navigate(queueHashOf({
    status: $("filter-status").value,
    kind: $("filter-kind").value,
    requester,
    limit: Number.parseInt($("filter-limit").value, 10),
  }));
}

export async function loadQueue(load, quiet) {
  const queue = state.queue;
  const filters = state.route.filters;
  const key = JSON.stringify(filters);
  if (key !== queue.key) Object.assign(queue, { key, filters, cursors: [null], nextCursor: null });
  state.queueHash = queueHashOf(filters);
  document.querySelector('#nav a[data-view="queue"]').setAttribute("href", state.queueHash);
  syncFilterForm(filters);
  const cursor = queue.cursors.at(-1);
  const params = new URLSearchParams({ limit: String(filters.limit) });
  if (filters.status !== "all") params.set("status", filters.status);
  if (filters.kind) params.set("kind", filters.kind);
  if (filters.requester) params.set("requester", filters.requester);
  if (cursor) params.set("cursor", cursor);
  $("queue-region").setAttribute("aria-busy", "true");
  const response = await api(`/requests?${params}`);
  if (stale(load)) return;
  $("queue-region").removeAttribute("aria-busy");
  if (response.status === 400 && cursor) {
    // the cursor no longer fits (e.g. the server restarted with other data): start from page one
    queue.cursors = [null];
    return loadQueue(load, quiet);
  }
  if (response.status !== 200) return showProblem(messageOf(response));
  queue.nextCursor = response.data.nextCursor ?? null;
  renderQueue(response.data.items ?? [], quiet);
}

function renderQueue(items, quiet) {
  const queue = state.queue;
  const rows = items.filter((r) => ID_PATTERN.test(r.id ?? "")).map(queueRow);
  keepingFocus(() => $("queue-rows").replaceChildren(...rows));
  show($("queue-table"), rows.length > 0);
  show($("queue-empty"), rows.length === 0);
  const page = queue.cursors.length;
  $("page-label").textContent = `Page ${page}`;
  const focused = document.activeElement;
  $("page-prev").disabled = page === 1;
  $("page-next").disabled = !queue.nextCursor;
  // a button disabled under the keyboard drops focus to <body>: hand it to its sibling instead
  if (focused?.disabled) [$("page-prev"), $("page-next"), viewTitle()].find((el) => !el.disabled).focus();
  if (!quiet) announce(`${plural(rows.length, "request")} on page ${page}.`);
}

function queueRow(request) {
  const summaryId = `summary-${request.id}`;
  const row = h(
    "tr",
    { role: "row", class: "clickable", onclick: (event) => openFromRow(event, request.id) },
    cell("Created", timeElement(request.createdAt)),
    cell("Request", h("div", { id: summaryId }, ...summaryOf(request))),
    cell("Requester", requesterOf(request.requester)),
    cell("Status", badge(request.status)),
    cell("Actions", h("div", { class: "actions" }, ...actionsFor(request, summaryId))),
  );
  return row;
}

function openFromRow(event, id) {
  // a click on a control does its own thing; elsewhere in the row it opens the details (mouse shortcut)
  if (event.target.closest("a, button, input, select, textarea")) return;
  if (window.getSelection()?.toString()) return; // selecting text is not a click
  navigate(`#/requests/${id}`);
}

function summaryOf(request) {
  const kind = h("span", { class: "kind" }, request.kind === "backup" ? "Backup" : "Meeting");
  const meeting = request.meeting;
  if (!meeting) return [kind, " ", h("span", {}, request.backup ? `of ${backupTarget(request.backup)}` : "of a database")];
  return [
    kind,
    " with ",
    h("strong", { class: "attendee" }, meeting.attendeeName),
    h("br"),
    h("span", { class: "when" }, formatRange(meeting.start, meeting.end)),
    meeting.topic ? h("span", { class: "topic" }, meeting.topic) : null,
  ];
}

function requesterOf(requester) {
  return h(
    "span",
    { class: "requester" },
    h("span", {}, requester?.displayName ?? ""),
    h("span", { class: "muted" }, `${requester?.channel ?? "?"}:${requester?.userId ?? "?"}`),
  );
}

export function onPage(step) {
  const queue = state.queue;
  if (step > 0 && queue.nextCursor) queue.cursors.push(queue.nextCursor);
  else if (step < 0 && queue.cursors.length > 1) queue.cursors.pop();
  else return;
  refreshView({ quiet: false });
}
