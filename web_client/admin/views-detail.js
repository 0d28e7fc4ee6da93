// The request detail view: the request, its meeting (in the browser's zone and the requester's),
// the decision, the audit trail, and Approve / Reject while it is pending.

import { canDecide } from "./auth.js";
import { api, messageOf } from "./api.js";
import { backupTarget } from "./backups.js";
import { $, ZONE, announce, formatRange, h, showProblem, timeElement } from "./dom.js";
import { keepingFocus } from "./focus.js";
import { actionsFor, badge, cell } from "./parts.js";
import { stale } from "./router.js";
import { state } from "./state.js";

export async function loadDetail(load, quiet) {
  const id = state.route.id;
  const response = await api(`/requests/${id}`);
  if (stale(load)) return;
  if (response.status === 404) {
    $("detail-title").textContent = "Request not found";
    $("detail-body").replaceChildren(h("p", {}, "No request has this id. It may have been removed."));
    return;
  }
  if (response.status !== 200) return showProblem(messageOf(response));
  keepingFocus(() => renderDetail(response.data));
  if (!quiet) announce(`Request from ${response.data.requester?.displayName ?? "unknown"}, ${response.data.status}.`);
}

function renderDetail(request) {
  const title = request.meeting
    ? `Meeting with ${request.meeting.attendeeName}`
    : request.backup
      ? `Backup of ${backupTarget(request.backup)}`
      : "Backup request";
  $("detail-title").textContent = title;
  $("detail-body").replaceChildren(
    h("div", { id: "detail-summary", class: "visually-hidden" }, title),
    h("div", { class: "actions detail-actions" }, ...decisionButtons(request)),
    section("Request", fields(requestFields(request))),
    request.meeting ? section("Meeting", fields(meetingFields(request.meeting))) : null,
    request.backup ? section("Backup", fields(backupFields(request.backup))) : null,
    section("Decision", request.decision ? fields(decisionFields(request.decision)) : h("p", {}, "Not decided yet.")),
    section("Audit trail", auditTable(request.audit ?? [])),
  );
}

function decisionButtons(request) {
  if (request.status !== "pending" || !canDecide()) return [];
  return actionsFor(request, "detail-summary").slice(1); // the "Details" link would point at this page
}

function section(title, ...content) {
  return h("section", { class: "card" }, h("h2", {}, title), ...content);
}

function fields(pairs) {
  return h(
    "dl",
    { class: "fields" },
    pairs.filter(([, value]) => value !== null && value !== undefined && value !== "")
      .map(([term, value]) => h("div", {}, h("dt", {}, term), h("dd", {}, value))),
  );
}

function requestFields(request) {
  const who = request.requester ?? {};
  return [
    ["Status", badge(request.status)],
    ["Kind", request.kind === "backup" ? "Backup" : "Meeting"],
    ["Requester", `${who.displayName ?? ""} (${who.channel ?? "?"}:${who.userId ?? "?"})`],
    ["Requester's e-mail", who.email],
    ["Locale", request.locale],
    ["Created", timeElement(request.createdAt)],
    ["Updated", timeElement(request.updatedAt)],
    ["Expires", request.expiresAt ? timeElement(request.expiresAt) : null],
    ["Id", h("code", {}, request.id)],
  ];
}

function backupFields(backup) {
  return [
    ["Database", backupTarget(backup)],
    ["Snapshot", backup.snapshotId ? h("code", {}, backup.snapshotId) : "not started"],
    ["AWS status", backup.outcome],
    ["Progress", typeof backup.percent === "number" ? `${backup.percent}%` : null],
  ];
}

function meetingFields(meeting) {
  return [
    ["Attendee", `${meeting.attendeeName} <${meeting.attendeeEmail}>`],
    ["Topic", meeting.topic],
    [`When, your time (${ZONE})`, timeElement(meeting.start, formatRange(meeting.start, meeting.end))],
    [
      `When, requester's time (${meeting.timeZone})`,
      timeElement(meeting.start, formatRange(meeting.start, meeting.end, meeting.timeZone)),
    ],
    ["Duration", `${meeting.durationMinutes} minutes`],
  ];
}

function decisionFields(decision) {
  return [["By", decision.by], ["At", timeElement(decision.at)], ["Reason", decision.reason ?? "(none given)"]];
}

function auditTable(events) {
  if (events.length === 0) return h("p", {}, "No history recorded.");
  const headers = ["When", "Who", "Action", "Change", "Reason", "Channel"];
  return h(
    "table",
    { class: "audit", role: "table" },
    h("caption", { class: "visually-hidden" }, "History of this request, oldest first"),
    h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, headers.map((t) => h("th", { scope: "col", role: "columnheader" }, t)))),
    h(
      "tbody",
      { role: "rowgroup" },
      events.map((e) =>
        h(
          "tr",
          { role: "row" },
          cell("When", timeElement(e.at)),
          cell("Who", e.actor),
          cell("Action", e.action),
          cell("Change", `${e.fromStatus ?? "new"} → ${e.toStatus}`),
          cell("Reason", e.reason ?? "—"),
          cell("Channel", e.channel),
        ),
      ),
    ),
  );
}
