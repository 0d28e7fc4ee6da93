// The routes in the URL hash, parsed and built: ``#/queue?status=...``, ``#/requests/<id>``,
// ``#/calendar?week=YYYY-MM-DD``, ``#/ops-audit?limit=N`` (ops-audit.js checks its own query).
// Everything read from the hash is checked, as anyone can write a link.

import { parseYmd, ymd } from "./dom.js";
import { ID_PATTERN, STATUSES } from "./state.js";

export const REQUESTER_PATTERN = /^[a-z]{1,20}:\S{1,128}$/;
const KINDS = ["meeting", "backup"];
const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_LIMIT = 25;

export function parseRoute() {
  const [path, query = ""] = location.hash.replace(/^#\/?/, "").split("?", 2);
  const params = new URLSearchParams(query);
  const [first, second] = path.split("/");
  if (first === "requests" && ID_PATTERN.test(second ?? "")) return { view: "detail", id: second };
  if (first === "calendar") return { view: "calendar", week: parseYmd(params.get("week")) };
  if (first === "ops-audit") return { view: "ops-audit", query: params };
  return { view: "queue", filters: filtersFrom(params) };
}

function filtersFrom(params) {
  const status = params.get("status") ?? "pending";
  const kind = params.get("kind") ?? "";
  const requester = params.get("requester") ?? "";
  const limit = Number.parseInt(params.get("limit") ?? "", 10);
  return {
    status: status === "all" || STATUSES.includes(status) ? status : "pending",
    kind: KINDS.includes(kind) ? kind : "",
    requester: REQUESTER_PATTERN.test(requester) ? requester : "",
    limit: PAGE_SIZES.includes(limit) ? limit : DEFAULT_LIMIT,
  };
}

export function queueHashOf(filters) {
  const params = new URLSearchParams({ status: filters.status });
  if (filters.kind) params.set("kind", filters.kind);
  if (filters.requester) params.set("requester", filters.requester);
  if (filters.limit !== DEFAULT_LIMIT) params.set("limit", String(filters.limit));
  return `#/queue?${params}`;
}

export function weekHash(monday) {
  return `#/calendar?week=${ymd(monday)}`;
}
