// DOM and date helpers. Request fields are text typed by visitors: elements are built with
// createElement and values go in as text nodes or attributes, never through innerHTML, so data is never
// parsed as markup (the page also runs under a CSP without inline script).

export const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export const $ = (id) => document.getElementById(id);

/** An element with attributes and children; strings become text nodes, so data is never parsed. */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key.startsWith("on")) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function show(el, visible) {
  el.hidden = !visible;
}

/** Polite announcement; cleared first so the same sentence twice is announced twice. */
export function announce(message) {
  const status = $("status");
  status.textContent = "";
  window.setTimeout(() => {
    status.textContent = message;
  }, 50);
}

export function showProblem(message) {
  const problem = $("problem");
  problem.textContent = message;
  show(problem, Boolean(message));
}

// ---------------------------------------------------------------- dates

const formatters = new Map();

export function formatter(options, timeZone) {
  const key = JSON.stringify([options, timeZone ?? ""]);
  if (!formatters.has(key)) {
    try {
      formatters.set(key, new Intl.DateTimeFormat(undefined, { ...options, timeZone }));
    } catch {
      // an unknown IANA zone from a request: fall back to UTC rather than failing the whole view
      formatters.set(key, new Intl.DateTimeFormat(undefined, { ...options, timeZone: "UTC" }));
    }
  }
  return formatters.get(key);
}

const DATE_TIME = {
  weekday: "short", year: "numeric", month: "short", day: "numeric",
  hour: "numeric", minute: "2-digit", timeZoneName: "short",
};
const TIME = { hour: "numeric", minute: "2-digit" };
export const DAY = { weekday: "long", month: "short", day: "numeric" };
export const DAY_SHORT = { weekday: "short", month: "short", day: "numeric", year: "numeric" };

function formatDateTime(iso, timeZone) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : formatter(DATE_TIME, timeZone).format(date);
}

export function formatRange(startIso, endIso, timeZone) {
  const start = new Date(startIso);
  const end = new Date(endIso);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return `${startIso} – ${endIso}`;
  const fmt = formatter(DATE_TIME, timeZone);
  return typeof fmt.formatRange === "function" ? fmt.formatRange(start, end) : `${fmt.format(start)} – ${fmt.format(end)}`;
}

export function formatTimeRange(startIso, endIso) {
  const fmt = formatter(TIME);
  return fmt.formatRange(new Date(startIso), new Date(endIso));
}

export function timeElement(iso, text) {
  return h("time", { datetime: iso }, text ?? formatDateTime(iso));
}

/** Local midnight of the Monday of ``date``'s week (date arithmetic in local time survives DST). */
export function mondayOf(date) {
  const day = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  return day;
}

export function addDays(date, days) {
  const next = new Date(date);
  next.setDate(next.getDate() + days);
  return next;
}

const pad = (n) => String(n).padStart(2, "0");

export function ymd(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** ISO 8601 with this browser's offset at that instant, so the API reads the local midnight exactly. */
export function isoWithOffset(date) {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${ymd(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function parseYmd(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? "");
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

export const plural = (count, noun) => `${count} ${noun}${count === 1 ? "" : "s"}`;

export function durationWords(seconds) {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}
