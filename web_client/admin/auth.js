// Signing in and staying signed in: local accounts (``<apiBase>/login``) or a Cognito user pool
// (InitiateAuth, refresh, revoke), the session in sessionStorage (this tab only, gone when it closes)
// and the role read from the token's claims, which only hides controls: the API enforces it.

import { durationWords } from "./dom.js";
import { FETCH_TIMEOUT_MS, state } from "./state.js";

const SESSION_KEY = "meety.admin.session";
const TOKEN_MARGIN_MS = 5 * 60_000; // refresh Cognito tokens this long before they expire

/** A sign-in failure with a message for the form; anything else gets a generic one. */
export class SignInError extends Error {}

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

export const canRead = () => Boolean(state.session?.roles.some((r) => r === "admin" || r === "viewer"));
export const canDecide = () => Boolean(state.session?.roles.includes("admin"));

export function roleLabel(roles) {
  if (roles.includes("admin")) return "admin";
  if (roles.includes("viewer")) return "viewer, read only";
  return roles.join(", ") || "no role";
}

export function saveSession(session) {
  state.session = session;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function restoreSession() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? "null");
    if (saved && saved.auth === state.config.auth && typeof saved.token === "string") return saved;
  } catch {
    // a damaged entry is the same as none
  }
  sessionStorage.removeItem(SESSION_KEY);
  return null;
}

/** Forgets the session in memory and in this tab; returns it so sign-out can revoke its refresh token. */
export function clearSession() {
  const session = state.session;
  state.session = null;
  state.challenge = null;
  sessionStorage.removeItem(SESSION_KEY);
  window.clearTimeout(state.tokenTimer);
  return session;
}

// ---------------------------------------------------------------- local sign-in

export async function localSignIn(username, password) {
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

export async function cognitoSignIn(username, password) {
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

export async function cognitoNewPassword(newPassword) {
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
export function refreshCognito() {
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

export function scheduleTokenRefresh() {
  window.clearTimeout(state.tokenTimer);
  if (state.session?.auth !== "cognito") return;
  const due = Math.max(10_000, state.session.expiresAt - TOKEN_MARGIN_MS - Date.now());
  state.tokenTimer = window.setTimeout(refreshCognito, due);
}

/** Timers sleep in background tabs: check before each call too. */
export async function ensureFreshToken() {
  const session = state.session;
  if (session?.auth === "cognito" && Date.now() > session.expiresAt - TOKEN_MARGIN_MS) await refreshCognito();
}

export function revokeRefreshToken(session) {
  if (session?.auth === "cognito" && session.refreshToken) {
    // revoke the refresh token so a copy of it is useless; a failure here changes nothing for the user
    cognito("RevokeToken", { Token: session.refreshToken, ClientId: state.config.userPoolClientId }).catch(() => {});
  }
}
