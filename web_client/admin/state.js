// What the portal's modules share: one mutable state object and the constants more than one of them
// needs. Kept apart so the modules can depend on it without depending on each other.

import { DEFAULT_CONFIG } from "./config.js";

export const FETCH_TIMEOUT_MS = 15_000; // a hung request must not block the periodic refresh forever
// a ULID: ids are checked against it before they go into a URL or an attribute
export const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;
export const STATUSES = ["pending", "approved", "rejected", "cancelled", "expired", "running", "succeeded", "failed"];

export const state = {
  config: DEFAULT_CONFIG,
  session: null, // {auth, token, username, roles, refreshToken?, expiresAt?}
  challenge: null, // Cognito NEW_PASSWORD_REQUIRED: {username, session}
  route: { view: "queue" },
  queue: { key: "", filters: null, cursors: [null], nextCursor: null },
  queueHash: "#/queue",
  loads: 0, // sequence number: a response older than the latest request is dropped
  busy: false,
  lastLoaded: 0,
  dialog: null, // {request, action, opener, focusKey}
  tokenTimer: 0,
  refreshing: null,
};

/** Thrown by ``api`` once a 401 has ended the session: the caller stops, the sign-in form is already up. */
export class SessionEnded extends Error {}
