// The demo page's staff sign-in: a `meety serve` account's token for the chat widget.
//
// Staff-only intents (deploy status, alarms, backups) need a verified identity: the widget sends the token
// given to `MeetyWidget.setToken` as the `authorization` request attribute on every turn. This script gets
// that token from the local admin login (`POST /admin/api/login`), keeps it in sessionStorage (this tab
// only; a reload keeps it, closing the tab forgets it) and signs out a little before the token expires, so
// the widget never sends a stale one. Text is set with `textContent` only; there is no inline script or
// style anywhere, as the page's CSP demands.

(() => {
  "use strict";

  const LOGIN_URL = "/admin/api/login";
  const STORE_KEY = "meety-demo:staff";
  const MARGIN_MS = 30_000; // sign out this long before the token expires (less for very short tokens)
  const TIMEOUT_MS = 15_000;
  const EXPIRED = "Your sign-in expired; sign in again.";

  const $ = (id) => document.getElementById(id);
  const form = $("staff-signin");
  if (!form) return;
  if (document.querySelector("script[data-identity-pool-id]")) {
    // deployed to AWS (`meety deploy` set the widget to Lex + Cognito): there is no local login; a page
    // embedding the widget passes its users' Cognito tokens with `data-token-provider` instead
    form.closest("section")?.setAttribute("hidden", "");
    return;
  }
  const fields = $("staff-fields");
  const username = $("staff-username");
  const password = $("staff-password");
  const signInButton = $("staff-signin-button");
  const signOutButton = $("staff-signout-button");
  const status = $("staff-status");
  const message = $("staff-message");

  let session = null; // {token, username, roles, signOutAt: epoch ms on this browser's clock, or null}
  let timer = 0;

  // ------------------------------------------------------------------------------------- tokens

  /** The JWT payload, for the expiry and the name only: the server verifies the signature. */
  function claimsOf(token) {
    try {
      const part = token.split(".")[1];
      const base64 = part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "=");
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const claims = JSON.parse(new TextDecoder().decode(bytes));
      return claims && typeof claims === "object" ? claims : {};
    } catch {
      return {};
    }
  }

  /**
   * When the token stops working, on this browser's clock (epoch ms), or null when it does not say.
   *
   * With `iat` and `exp` the token's lifetime is counted from now, when it arrived, so a browser clock that
   * is off from the server's neither signs out at once nor keeps an expired token; otherwise `exp` as it is,
   * then the login response's `expiresAt`.
   */
  function expiryOf(token, body) {
    const { iat, exp } = claimsOf(token);
    if (Number.isFinite(exp) && Number.isFinite(iat) && exp > iat) return Date.now() + (exp - iat) * 1000;
    if (Number.isFinite(exp)) return exp * 1000;
    const at = Date.parse(body && body.expiresAt);
    return Number.isFinite(at) ? at : null;
  }

  /** When to sign out: `MARGIN_MS` before `expiresAt`, or a quarter of the time left if that is sooner. */
  function signOutTime(expiresAt) {
    if (expiresAt === null) return null;
    return expiresAt - Math.min(MARGIN_MS, Math.max(0, expiresAt - Date.now()) / 4);
  }

  const usable = (current) => current.signOutAt === null || Date.now() < current.signOutAt;

  // ------------------------------------------------------------------------------------- storage

  function save(current) {
    try {
      sessionStorage.setItem(STORE_KEY, JSON.stringify(current));
    } catch {
      // storage may be full or disabled: the sign-in still works until the page reloads
    }
  }

  function restore() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORE_KEY) || "null");
      if (
        saved &&
        typeof saved.token === "string" &&
        typeof saved.username === "string" &&
        Array.isArray(saved.roles) &&
        (saved.signOutAt === null || Number.isFinite(saved.signOutAt))
      ) {
        const { token, username: name, roles, signOutAt } = saved;
        return { token, username: name, roles: roles.map(String), signOutAt };
      }
    } catch {
      // a damaged entry is the same as none
    }
    forget();
    return null;
  }

  function forget() {
    try {
      sessionStorage.removeItem(STORE_KEY);
    } catch {
      // nothing stored, nothing to forget
    }
  }

  // ------------------------------------------------------------------------------------- state

  function giveWidget(token) {
    if (window.MeetyWidget) window.MeetyWidget.setToken(token);
  }

  function show(text) {
    message.textContent = text;
  }

  function render() {
    const signedIn = session !== null;
    fields.hidden = signedIn;
    signInButton.hidden = signedIn;
    signOutButton.hidden = !signedIn;
    username.disabled = signedIn;
    password.disabled = signedIn;
    status.textContent = signedIn
      ? `Signed in as ${session.username} (${session.roles.join(", ") || "no role"})`
      : "Not signed in.";
  }

  function schedule() {
    window.clearTimeout(timer);
    if (!session || session.signOutAt === null) return;
    const due = session.signOutAt - Date.now();
    // setTimeout holds at most ~24.8 days; check again then (a sleeping tab is also checked on return)
    timer = window.setTimeout(checkExpiry, Math.max(0, Math.min(due, 2 ** 31 - 1)));
  }

  function begin(current) {
    session = current;
    save(current);
    giveWidget(current.token);
    render();
    schedule();
  }

  function end(note) {
    window.clearTimeout(timer);
    session = null;
    forget();
    giveWidget(null);
    render();
    show(note);
  }

  /** Signs out when the token is about to expire; true when it did. */
  function checkExpiry() {
    if (!session || usable(session)) {
      schedule();
      return false;
    }
    end(EXPIRED);
    return true;
  }

  // ------------------------------------------------------------------------------------- sign-in

  function retryWords(header) {
    const seconds = Number.parseInt(header || "", 10);
    if (!Number.isFinite(seconds) || seconds <= 0) return "";
    if (seconds < 90) return ` Try again in ${seconds} seconds.`;
    return ` Try again in about ${Math.ceil(seconds / 60)} minutes.`;
  }

  async function signIn(name, secret) {
    let response;
    try {
      response = await fetch(LOGIN_URL, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ username: name, password: secret }),
        cache: "no-store",
        credentials: "omit",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      throw new Error("Sign-in failed: the server cannot be reached. Check that meety serve is running.");
    }
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const said = typeof body.message === "string" && body.message ? body.message : `HTTP ${response.status}`;
      const retry = response.status === 429 ? retryWords(response.headers.get("Retry-After")) : "";
      throw new Error(`Sign-in failed: ${said}.${retry}`);
    }
    if (typeof body.token !== "string" || !body.token) throw new Error("Sign-in failed: the server sent no token.");
    const claims = claimsOf(body.token);
    const roles = Array.isArray(body.roles) ? body.roles : claims["cognito:groups"];
    return {
      token: body.token,
      username: String(body.username || claims.username || name),
      roles: Array.isArray(roles) ? roles.map(String) : [],
      signOutAt: signOutTime(expiryOf(body.token, body)),
    };
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (session || signInButton.disabled) return;
    show("");
    signInButton.disabled = true;
    status.textContent = "Signing in…";
    try {
      const current = await signIn(username.value.trim(), password.value);
      password.value = "";
      if (!usable(current)) throw new Error("Sign-in failed: the token has already expired.");
      begin(current);
      signOutButton.focus();
    } catch (e) {
      render();
      show(e instanceof Error ? e.message : String(e));
      password.value = "";
      password.focus();
    } finally {
      signInButton.disabled = false;
    }
  });

  signOutButton.addEventListener("click", () => {
    end("");
    username.focus();
  });

  // A background tab's timers may run late: check again when it comes back, and before every message
  // (`meety:send` fires before the widget reads the token for that turn).
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") checkExpiry();
  });
  document.addEventListener("meety:send", checkExpiry);

  // ------------------------------------------------------------------------------------- start

  const saved = restore();
  if (saved && usable(saved)) {
    begin(saved);
  } else {
    if (saved) end(EXPIRED);
    else render();
  }
})();
