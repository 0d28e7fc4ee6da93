// Meety admin portal: plain ES module, no framework, no build step.
//
// Security rules this file keeps (the page runs under a strict CSP):
// - request fields are text typed by visitors: the DOM is built with createElement/textContent only,
//   never innerHTML, and no URL is built from a field without validating it first;
// - the bearer token lives in sessionStorage (one tab, gone when the tab closes);
// - the role read from the token only hides controls; the API enforces it.

const DEFAULT_CONFIG = Object.freeze({ auth: "local", apiBase: "/admin/api" });
const SESSION_KEY = "meety.admin.session";
const REFRESH_MS = 30_000;
const FETCH_TIMEOUT_MS = 15_000; // a hung request must not block the periodic refresh forever
const TOKEN_MARGIN_MS = 5 * 60_000; // refresh Cognito tokens this long before they expire
const REASON_MAX = 500;
const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
const REQUESTER_PATTERN = /^[a-z]{1,20}:\S{1,128}$/;
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const STATUSES = ["pending", "approved", "rejected", "cancelled", "expired", "running", "succeeded", "failed"];
const KINDS = ["meeting", "backup"];
const PAGE_SIZES = [10, 25, 50, 100];
const DEFAULT_LIMIT = 25;
const ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

const state = {
  config: DEFAULT_CONFIG,
  session: null, // {auth, token, username, roles, refreshToken?, expiresAt?}
  challenge: null, // Cognito NEW_PASSWORD_REQUIRED: {username, session}
  route: { view: "queue" },
  queue: { key: "", filters: null, cursors: [null], nextCursor: null },
  queueHash: "#/queue",
  loads: 0, // sequence number: a response older than the latest request is dropped
  busy: false,
  lastLoaded: 0,
  dialog: null, // {request, action, opener}
  tokenTimer: 0,
  refreshing: null,
};

const $ = (id) => document.getElementById(id);

class SessionEnded extends Error {}
class SignInError extends Error {}

// ---------------------------------------------------------------- DOM helpers

/** An element with attributes and children; strings become text nodes, so data is never parsed. */
function h(tag, props = {}, ...children) {
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

function show(el, visible) {
  el.hidden = !visible;
}

/** Polite announcement; cleared first so the same sentence twice is announced twice. */
function announce(message) {
  const status = $("status");
  status.textContent = "";
  window.setTimeout(() => {
    status.textContent = message;
  }, 50);
}

function showProblem(message) {
  const problem = $("problem");
  problem.textContent = message;
  show(problem, Boolean(message));
}

// ---------------------------------------------------------------- dates

const formatters = new Map();

function formatter(options, timeZone) {
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
const DAY = { weekday: "long", month: "short", day: "numeric" };
const DAY_SHORT = { weekday: "short", month: "short", day: "numeric", year: "numeric" };

function formatDateTime(iso, timeZone) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : formatter(DATE_TIME, timeZone).format(date);
}

function formatRange(startIso, endIso, timeZone) {
  const start = new Date(startIso);
  const end = new Date(endIso);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return `${startIso} – ${endIso}`;
  const fmt = formatter(DATE_TIME, timeZone);
  return typeof fmt.formatRange === "function" ? fmt.formatRange(start, end) : `${fmt.format(start)} – ${fmt.format(end)}`;
}

function formatTimeRange(startIso, endIso) {
  const fmt = formatter(TIME);
  return fmt.formatRange(new Date(startIso), new Date(endIso));
}

function timeElement(iso, text) {
  return h("time", { datetime: iso }, text ?? formatDateTime(iso));
}

/** Local midnight of the Monday of ``date``'s week (date arithmetic in local time survives DST). */
function mondayOf(date) {
  const day = new Date(date.getFullYear(), date.getMonth(), date.getDate());
  day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
  return day;
}

function addDays(date, days) {
  const next = new Date(date);
  next.setDate(next.getDate() + days);
  return next;
}

const pad = (n) => String(n).padStart(2, "0");

function ymd(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** ISO 8601 with this browser's offset at that instant, so the API reads the local midnight exactly. */
function isoWithOffset(date) {
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  return `${ymd(date)}T${pad(date.getHours())}:${pad(date.getMinutes())}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function parseYmd(text) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text ?? "");
  if (!match) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}

const plural = (count, noun) => `${count} ${noun}${count === 1 ? "" : "s"}`;

function durationWords(seconds) {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? "1 minute" : `${minutes} minutes`;
}

// ---------------------------------------------------------------- configuration

/** config.json beside this page; the local defaults when there is none, an error when it is broken. */
async function loadConfig() {
  const response = await fetch("config.json", { cache: "no-store", credentials: "same-origin" });
  if (response.status === 404) return checkConfig(DEFAULT_CONFIG);
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  let given;
  try {
    given = await response.json();
  } catch {
    throw new Error("not valid JSON");
  }
  if (typeof given !== "object" || given === null) throw new Error("not a JSON object");
  return checkConfig({ ...DEFAULT_CONFIG, ...given });
}

function checkConfig(config) {
  const apiBase = String(config.apiBase ?? "").replace(/\/+$/, "");
  // only same-origin paths or https URLs: the base ends up in every fetch
  if (!(apiBase.startsWith("/") || apiBase.startsWith("https://"))) throw new Error("apiBase must be a path or an https URL");
  if (config.auth === "local") return { auth: "local", apiBase };
  if (config.auth !== "cognito") throw new Error('auth must be "local" or "cognito"');
  if (!REGION_PATTERN.test(config.region ?? "")) throw new Error("region is missing or not an AWS region");
  if (!/^[\w+]{1,128}$/.test(config.userPoolClientId ?? "")) throw new Error("userPoolClientId is missing");
  return { auth: "cognito", apiBase, region: config.region, userPoolClientId: config.userPoolClientId };
}

// ---------------------------------------------------------------- tokens and roles

/** The JWT payload, decoded for display and role gating only (the server verifies the signature). */
function jwtClaims(token) {
  try {
    const part = token.split(".")[1];
    const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return {};
  }
}

/** ``cognito:groups`` as a list: Cognito sends a JSON array; some gateways a "[a b]" string. */
function groupsOf(claims) {
  const groups = claims["cognito:groups"];
  if (Array.isArray(groups)) return groups.map(String);
  if (typeof groups === "string") return groups.replace(/[[\]]/g, "").split(/[\s,]+/).filter(Boolean);
  return [];
}

const canRead = () => Boolean(state.session?.roles.some((r) => r === "admin" || r === "viewer"));
const canDecide = () => Boolean(state.session?.roles.includes("admin"));

function roleLabel(roles) {
  if (roles.includes("admin")) return "admin";
  if (roles.includes("viewer")) return "viewer, read only";
  return roles.join(", ") || "no role";
}

function saveSession(session) {
  state.session = session;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

function restoreSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null");
    if (saved && saved.auth === state.config.auth && typeof saved.token === "string") return saved;
  } catch {
    // a damaged entry is the same as none
  }
  sessionStorage.removeItem(SESSION_KEY);
  return null;
}

// ---------------------------------------------------------------- local sign-in

async function localSignIn(username, password) {
  let response;
  try {
    response = await fetch(`${state.config.apiBase}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ username, password }),
      cache: "no-store",
      credentials: "omit",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    throw new SignInError("The admin API cannot be reached. Check that Meety is running, then try again.");
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    const claims = jwtClaims(body.token);
    const roles = Array.isArray(body.roles) ? body.roles.map(String) : groupsOf(claims);
    return { auth: "local", token: body.token, username: String(body.username ?? claims.username ?? username), roles };
  }
  if (response.status === 401) throw new SignInError("Wrong username or password. Please check them and try again.");
  if (response.status === 429) {
    const wait = Number.parseInt(response.headers.get("Retry-After") ?? "", 10);
    const when = Number.isFinite(wait) && wait > 0 ? `about ${durationWords(wait)}` : "a few minutes";
    throw new SignInError(`Too many failed sign-ins. Please wait ${when}, then try again.`);
  }
  throw new SignInError(`Sign-in failed: ${body.message ?? `HTTP ${response.status}`}`);
}

// ---------------------------------------------------------------- Cognito sign-in

async function cognito(operation, payload) {
  const { region } = state.config;
  let response;
  try {
    response = await fetch(`https://cognito-idp.${region}.amazonaws.com/`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(payload),
      cache: "no-store",
      credentials: "omit",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    throw new SignInError("Amazon Cognito cannot be reached. Check your connection, then try again.");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new SignInError(cognitoMessage(String(body.__type ?? "").split("#").pop(), body.message));
  return body;
}

function cognitoMessage(type, message) {
  if (type === "NotAuthorizedException" && /attempts exceeded/i.test(message ?? "")) {
    return "Too many failed sign-ins. Please wait a few minutes, then try again.";
  }
  if (type === "NotAuthorizedException" || type === "UserNotFoundException") {
    return "Wrong username or password. Please check them and try again.";
  }
  if (type === "TooManyRequestsException" || type === "LimitExceededException") {
    return "Too many attempts. Please wait a few minutes, then try again.";
  }
  if (type === "PasswordResetRequiredException") return "Your password must be reset. Please ask an administrator.";
  if (type === "UserNotConfirmedException") return "This account is not confirmed yet. Please ask an administrator.";
  if (type === "InvalidPasswordException") return `The new password is not accepted: ${message ?? "see the password policy"}`;
  return `Sign-in failed: ${message ?? type ?? "unknown error"}`;
}

function cognitoSession(result, previousRefreshToken) {
  const claims = jwtClaims(result.IdToken);
  return {
    auth: "cognito",
    token: result.IdToken, // the ID token carries cognito:groups, which the API's authorizer reads
    refreshToken: result.RefreshToken ?? previousRefreshToken,
    username: String(claims["cognito:username"] ?? claims.username ?? claims.email ?? claims.sub ?? "unknown"),
    roles: groupsOf(claims),
    // from ExpiresIn and this browser's clock, so a skewed clock cannot make a fresh token look expired
    expiresAt: Date.now() + Number(result.ExpiresIn ?? 3600) * 1000,
  };
}

async function cognitoSignIn(username, password) {
  const { userPoolClientId: ClientId } = state.config;
  const body = await cognito("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId,
    AuthParameters: { USERNAME: username, PASSWORD: password },
  });
  if (body.ChallengeName === "NEW_PASSWORD_REQUIRED") {
    state.challenge = { username: body.ChallengeParameters?.USER_ID_FOR_SRP ?? username, session: body.Session };
    return null;
  }
  if (body.ChallengeName) throw new SignInError(`This account needs a sign-in step the portal does not support (${body.ChallengeName}).`);
  return cognitoSession(body.AuthenticationResult, undefined);
}

async function cognitoNewPassword(newPassword) {
  const body = await cognito("RespondToAuthChallenge", {
    ChallengeName: "NEW_PASSWORD_REQUIRED",
    ClientId: state.config.userPoolClientId,
    Session: state.challenge.session,
    ChallengeResponses: { USERNAME: state.challenge.username, NEW_PASSWORD: newPassword },
  });
  state.challenge = null;
  return cognitoSession(body.AuthenticationResult, undefined);
}

/** One refresh at a time; resolves true when a new ID token is in place. */
function refreshCognito() {
  if (state.session?.auth !== "cognito" || !state.session.refreshToken) return Promise.resolve(false);
  state.refreshing ??= cognito("InitiateAuth", {
    AuthFlow: "REFRESH_TOKEN_AUTH",
    ClientId: state.config.userPoolClientId,
    AuthParameters: { REFRESH_TOKEN: state.session.refreshToken },
  })
    .then((body) => {
      saveSession(cognitoSession(body.AuthenticationResult, state.session.refreshToken));
      scheduleTokenRefresh();
      return true;
    })
    .catch(() => false)
    .finally(() => {
      state.refreshing = null;
    });
  return state.refreshing;
}

function scheduleTokenRefresh() {
  window.clearTimeout(state.tokenTimer);
  if (state.session?.auth !== "cognito") return;
  const due = Math.max(10_000, state.session.expiresAt - TOKEN_MARGIN_MS - Date.now());
  state.tokenTimer = window.setTimeout(refreshCognito, due);
}

/** Timers sleep in background tabs: check before each call too. */
async function ensureFreshToken() {
  const session = state.session;
  if (session?.auth === "cognito" && Date.now() > session.expiresAt - TOKEN_MARGIN_MS) await refreshCognito();
}

// ---------------------------------------------------------------- the admin API

async function send(path, method, body) {
  const headers = { Accept: "application/json", Authorization: `Bearer ${state.session.token}` };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(`${state.config.apiBase}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
      credentials: "omit",
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
    });
  } catch {
    return { status: 0, data: { message: "The admin API cannot be reached. Check your connection; the page retries." } };
  }
  const data = await response.json().catch(() => ({}));
  return { status: response.status, data };
}

/** An API call; a 401 (after one Cognito refresh) ends the session and throws ``SessionEnded``. */
async function api(path, { method = "GET", body } = {}) {
  if (!state.session) throw new SessionEnded();
  await ensureFreshToken();
  let response = await send(path, method, body);
  if (response.status === 401 && (await refreshCognito())) response = await send(path, method, body);
  if (response.status === 401) {
    endSession("Your session has expired. Please sign in again.");
    throw new SessionEnded();
  }
  return response;
}

function messageOf(response) {
  const given = typeof response.data?.message === "string" ? response.data.message : "";
  if (response.status === 403) return `Your account may not do this. ${given}`.trim();
  if (response.status === 404) return given || "Not found.";
  return given || `Something went wrong (HTTP ${response.status}). Please try again.`;
}

// ---------------------------------------------------------------- session lifecycle

function startSession(session) {
  if (!session.roles.some((r) => r === "admin" || r === "viewer")) {
    endSession(`This account (role: ${roleLabel(session.roles)}) has no access to the admin portal.`);
    return;
  }
  saveSession(session);
  scheduleTokenRefresh();
  $("account-name").textContent = session.username;
  $("account-role").textContent = roleLabel(session.roles);
  show($("account"), true);
  show($("nav"), true);
}

function endSession(message) {
  const session = state.session;
  state.session = null;
  state.challenge = null;
  sessionStorage.removeItem(SESSION_KEY);
  window.clearTimeout(state.tokenTimer);
  if (session?.auth === "cognito" && session.refreshToken) {
    // revoke the refresh token so a copy of it is useless; a failure here changes nothing for the user
    cognito("RevokeToken", { Token: session.refreshToken, ClientId: state.config.userPoolClientId }).catch(() => {});
  }
  const dialog = $("decide-dialog");
  if (dialog.open) dialog.close();
  show($("account"), false);
  show($("nav"), false);
  showProblem("");
  showSignIn(message);
}

function showSignIn(message) {
  showView("signin");
  const note = $("signin-note");
  note.textContent = message ?? "";
  show(note, Boolean(message));
  if (message) announce(message);
  $("signin-error").textContent = "";
  show($("signin-new-password-field"), Boolean(state.challenge));
  $("signin-username").focus();
}

async function onSignIn(event) {
  event.preventDefault();
  const username = $("signin-username").value.trim();
  const password = $("signin-password").value;
  const error = $("signin-error");
  error.textContent = "";
  if (!username || !password) {
    error.textContent = "Please enter your username and password.";
    (username ? $("signin-password") : $("signin-username")).focus();
    return;
  }
  const submit = $("signin-submit");
  submit.disabled = true;
  try {
    const session = await signIn(username, password);
    if (session === null) {
      show($("signin-new-password-field"), true);
      error.textContent = "Please choose a new password to finish signing in.";
      $("signin-new-password").focus();
      return;
    }
    $("signin-password").value = "";
    $("signin-new-password").value = "";
    startSession(session);
    if (state.session) {
      announce(`Signed in as ${session.username}.`);
      route({ focus: true });
    }
  } catch (problem) {
    error.textContent = problem instanceof SignInError ? problem.message : "Sign-in failed. Please try again.";
    $("signin-password").select();
    $("signin-password").focus();
  } finally {
    submit.disabled = false;
  }
}

function signIn(username, password) {
  if (state.config.auth === "local") return localSignIn(username, password);
  const newPassword = $("signin-new-password").value;
  if (state.challenge && newPassword) return cognitoNewPassword(newPassword);
  return cognitoSignIn(username, password);
}

// ---------------------------------------------------------------- routing

const VIEWS = ["signin", "queue", "detail", "calendar"];

function showView(name) {
  for (const view of VIEWS) show($(`view-${view}`), view === name);
  for (const link of document.querySelectorAll("#nav a")) {
    const current = link.dataset.view === name || (name === "detail" && link.dataset.view === "queue");
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function parseRoute() {
  const [path, query = ""] = location.hash.replace(/^#\/?/, "").split("?", 2);
  const params = new URLSearchParams(query);
  const [first, second] = path.split("/");
  if (first === "requests" && ID_PATTERN.test(second ?? "")) return { view: "detail", id: second };
  if (first === "calendar") return { view: "calendar", week: parseYmd(params.get("week")) };
  return { view: "queue", filters: filtersFrom(params) };
}

/** Go to ``hash``; when it is already current no hashchange fires, so render directly. */
function navigate(hash) {
  if (location.hash === hash) route({ focus: true });
  else location.hash = hash;
}

function route({ focus = false } = {}) {
  if (!state.session) return showSignIn();
  showProblem("");
  state.route = parseRoute();
  showView(state.route.view);
  if (focus) viewTitle().focus();
  refreshView({ quiet: false });
}

/** Reload what is on screen; quiet refreshes (the timer) neither announce nor move focus. */
async function refreshView({ quiet }) {
  if (!state.session || !canRead()) return;
  const load = ++state.loads;
  state.busy = true;
  try {
    if (state.route.view === "queue") await loadQueue(load, quiet);
    else if (state.route.view === "detail") await loadDetail(load, quiet);
    else if (state.route.view === "calendar") await loadCalendar(load, quiet);
    state.lastLoaded = Date.now();
  } catch (problem) {
    if (!(problem instanceof SessionEnded)) showProblem("The page could not be updated. Please try again.");
  } finally {
    if (load === state.loads) state.busy = false;
  }
}

const stale = (load) => load !== state.loads || !state.session;

// ---------------------------------------------------------------- the queue

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

function queueHashOf(filters) {
  const params = new URLSearchParams({ status: filters.status });
  if (filters.kind) params.set("kind", filters.kind);
  if (filters.requester) params.set("requester", filters.requester);
  if (filters.limit !== DEFAULT_LIMIT) params.set("limit", String(filters.limit));
  return `#/queue?${params}`;
}

function syncFilterForm(filters) {
  $("filter-status").value = filters.status;
  $("filter-kind").value = filters.kind;
  $("filter-requester").value = filters.requester;
  $("filter-limit").value = String(filters.limit);
}

function onFilters(event) {
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

async function loadQueue(load, quiet) {
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

const focusAction = (key) => key.split(":")[0];
const withFocusKey = (key) => [...document.querySelectorAll("[data-focus]")].find((el) => el.dataset.focus === key);
const byFocusAction = (action) =>
  [...document.querySelectorAll("[data-focus]")].filter((el) => focusAction(el.dataset.focus) === action);

/**
 * Re-rendering replaces the focused control: focus its replacement (same data-focus), or when its row
 * is gone (just decided) the same control of the row that took its place, so keyboard users keep going.
 */
function keepingFocus(render) {
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

const viewTitle = () => $(`${state.route.view}-title`);

function cell(label, ...children) {
  return h("td", { role: "cell", "data-label": label }, ...children);
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
  if (!meeting) return [kind, " ", h("span", {}, "Database backup")];
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

function badge(status) {
  const known = STATUSES.includes(status) ? status : "unknown";
  return h("span", { class: `badge badge-${known}` }, status);
}

/** Details always; Approve and Reject only for pending requests and admins (the API enforces this too). */
function actionsFor(request, describedBy) {
  const actions = [
    h("a", { href: `#/requests/${request.id}`, "aria-describedby": describedBy, "data-focus": `details:${request.id}` }, "Details"),
  ];
  if (request.status === "pending" && canDecide()) {
    for (const action of ["approve", "reject"]) {
      actions.push(
        h(
          "button",
          {
            type: "button",
            class: action === "reject" ? "danger" : "primary",
            "aria-describedby": describedBy,
            "data-focus": `${action}:${request.id}`,
            onclick: (event) => openDecision(request, action, event.currentTarget),
          },
          action === "approve" ? "Approve" : "Reject",
        ),
      );
    }
  }
  return actions;
}

function onPage(step) {
  const queue = state.queue;
  if (step > 0 && queue.nextCursor) queue.cursors.push(queue.nextCursor);
  else if (step < 0 && queue.cursors.length > 1) queue.cursors.pop();
  else return;
  refreshView({ quiet: false });
}

// ---------------------------------------------------------------- request detail

async function loadDetail(load, quiet) {
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
  const title = request.meeting ? `Meeting with ${request.meeting.attendeeName}` : "Backup request";
  $("detail-title").textContent = title;
  $("detail-body").replaceChildren(
    h("div", { id: "detail-summary", class: "visually-hidden" }, title),
    h("div", { class: "actions detail-actions" }, ...decisionButtons(request)),
    section("Request", fields(requestFields(request))),
    request.meeting ? section("Meeting", fields(meetingFields(request.meeting))) : null,
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

// ---------------------------------------------------------------- approve / reject

function describe(request) {
  const who = request.requester?.displayName ?? "unknown";
  if (!request.meeting) return `Backup requested by ${who}.`;
  return `Meeting with ${request.meeting.attendeeName}, ${formatRange(request.meeting.start, request.meeting.end)}, requested by ${who}.`;
}

function openDecision(request, action, opener) {
  const approving = action === "approve";
  state.dialog = { request, action, opener, focusKey: opener?.dataset?.focus };
  $("decide-title").textContent = approving ? "Approve request" : "Reject request";
  $("decide-summary").textContent = describe(request);
  $("decide-reason-label").textContent = approving ? "Note (optional)" : "Reason (required)";
  $("decide-reason-hint").textContent = approving
    ? "Added to the audit trail and the invitation."
    : "The requester is told this reason.";
  $("decide-submit").textContent = approving ? "Approve request" : "Reject request";
  $("decide-submit").className = approving ? "primary" : "danger";
  const reason = $("decide-reason");
  reason.value = "";
  reason.required = !approving;
  reason.setAttribute("aria-required", String(!approving));
  reason.removeAttribute("aria-invalid");
  $("decide-error").textContent = "";
  $("decide-dialog").showModal();
  reason.focus();
}

async function onDecide(event) {
  event.preventDefault();
  const { request, action } = state.dialog ?? {};
  if (!request) return;
  const reasonInput = $("decide-reason");
  const reason = reasonInput.value.trim();
  const error = $("decide-error");
  if (action === "reject" && !reason) return refuse("Please give a reason: the requester is told why.");
  if (reason.length > REASON_MAX) return refuse(`Please keep it under ${REASON_MAX} characters.`);
  reasonInput.removeAttribute("aria-invalid");
  error.textContent = "";
  setDialogBusy(true);
  try {
    const body = action === "reject" || reason ? { reason } : {};
    const response = await api(`/requests/${request.id}/${action}`, { method: "POST", body });
    afterDecision(response, request, action);
  } catch (problem) {
    if (!(problem instanceof SessionEnded)) error.textContent = "The decision could not be sent. Please try again.";
  } finally {
    setDialogBusy(false);
  }
}

function refuse(message) {
  const reasonInput = $("decide-reason");
  $("decide-error").textContent = message;
  reasonInput.setAttribute("aria-invalid", "true");
  reasonInput.focus();
}

function afterDecision(response, request, action) {
  const who = request.requester?.displayName ?? "the requester";
  if (response.status === 200) {
    closeDialog();
    announce(`${action === "approve" ? "Approved" : "Rejected"} the request from ${who}. ${who} will be told.`);
    refreshView({ quiet: true });
  } else if (response.status === 409) {
    closeDialog();
    const current = STATUSES.includes(response.data?.status) ? response.data.status : "decided";
    showProblem(`This request is already ${current}.`); // an alert: announced without the status line
    refreshView({ quiet: true });
  } else {
    // 422 names the field (e.g. the reason), 403 the missing role: keep the dialog open to fix it
    $("decide-error").textContent = messageOf(response);
    $("decide-reason").focus();
  }
}

function setDialogBusy(busy) {
  $("decide-submit").disabled = busy;
  $("decide-cancel").disabled = busy;
  $("decide-form").setAttribute("aria-busy", String(busy));
}

function closeDialog() {
  const dialog = $("decide-dialog");
  if (dialog.open) dialog.close();
}

/** Back to the button that opened the dialog, or its replacement after a refresh, or the heading. */
function onDialogClosed() {
  const { opener, focusKey } = state.dialog ?? {};
  state.dialog = null;
  if (opener?.isConnected) return opener.focus();
  const again = focusKey ? withFocusKey(focusKey) : null;
  if (again) return again.focus();
  viewTitle()?.focus();
}

// ---------------------------------------------------------------- calendar

function currentMonday() {
  return mondayOf(state.route.week ?? new Date());
}

async function loadCalendar(load, quiet) {
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

function weekHash(monday) {
  return `#/calendar?week=${ymd(monday)}`;
}

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
