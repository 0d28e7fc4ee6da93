// The admin API client: bearer token, JSON, a timeout, one Cognito refresh on a 401, and the API's
// errors turned into sentences for the page.

import { ensureFreshToken, refreshCognito } from "./auth.js";
import { endSession } from "./session.js";
import { FETCH_TIMEOUT_MS, SessionEnded, state } from "./state.js";

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
export async function api(path, { method = "GET", body } = {}) {
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

export function messageOf(response) {
  const given = typeof response.data?.message === "string" ? response.data.message : "";
  if (response.status === 403) return `Your account may not do this. ${given}`.trim();
  if (response.status === 404) return given || "Not found.";
  return given || `Something went wrong (HTTP ${response.status}). Please try again.`;
}
