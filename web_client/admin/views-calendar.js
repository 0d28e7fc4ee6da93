// The calendar view: one week of approved meetings, Monday to Sunday in the browser's zone, each on
// the day it starts there.

import { api, messageOf } from "./api.js";
import {
  $,
  DAY,
  DAY_SHORT,
  ZONE,
  addDays,
  announce,
  formatTimeRange,
  formatter,
  h,
  isoWithOffset,
  mondayOf,
  plural,
  showProblem,
  ymd,
} from "./dom.js";
import { keepingFocus } from "./focus.js";
import { stale } from "./router.js";
import { ID_PATTERN, state } from "./state.js";

export function currentMonday() {
  return mondayOf(state.route.week ?? new Date());
}

export async function loadCalendar(load, quiet) {
  const monday = currentMonday();
  const next = addDays(monday, 7);
  const params = new URLSearchParams({ from: isoWithOffset(monday), to: isoWithOffset(next) });
  const response = await api(`/calendar?${params}`);
  if (stale(load)) return;
  if (response.status !== 200) return showProblem(messageOf(response));
  const meetings = (response.data.meetings ?? []).filter((r) => r.meeting && ID_PATTERN.test(r.id ?? ""));
  const label = `${formatter(DAY_SHORT).format(monday)} – ${formatter(DAY_SHORT).format(addDays(monday, 6))}`;
  $("calendar-title").textContent = `Week of ${formatter(DAY_SHORT).format(monday)}`;
  $("calendar-range").textContent = `${label}, in ${ZONE}. ${plural(meetings.length, "approved meeting")}.`;
  keepingFocus(() => $("calendar-days").replaceChildren(...weekDays(monday, meetings)));
  if (!quiet) announce(`Week of ${formatter(DAY_SHORT).format(monday)}: ${plural(meetings.length, "approved meeting")}.`);
}

function weekDays(monday, meetings) {
  const today = ymd(new Date());
  return Array.from({ length: 7 }, (_, i) => {
    const day = addDays(monday, i);
    const key = ymd(day);
    const todays = meetings.filter((r) => ymd(new Date(r.meeting.start)) === key);
    return h(
      "li",
      { class: key === today ? "day today" : "day", "aria-current": key === today ? "date" : null },
      h("h2", { class: "day-name" }, formatter(DAY).format(day), key === today ? h("span", { class: "muted" }, " (today)") : null),
      todays.length ? h("ul", { class: "meetings" }, todays.map(calendarEntry)) : h("p", { class: "muted" }, "No meetings"),
    );
  });
}

function calendarEntry(request) {
  const meeting = request.meeting;
  const summaryId = `cal-${request.id}`;
  return h(
    "li",
    { class: "meeting" },
    h(
      "div",
      { id: summaryId },
      h("time", { datetime: meeting.start, class: "when" }, formatTimeRange(meeting.start, meeting.end)),
      " ",
      h("strong", { class: "attendee" }, meeting.attendeeName),
      meeting.topic ? h("span", { class: "topic" }, meeting.topic) : null,
      h("span", { class: "muted" }, `Requested by ${request.requester?.displayName ?? "unknown"}`),
    ),
    h("a", { href: `#/requests/${request.id}`, "aria-describedby": summaryId, "data-focus": `cal:${request.id}` }, "Details"),
  );
}
