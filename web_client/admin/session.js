// The session's lifecycle on the page: the sign-in form, then the account and navigation shown while
// signed in, and back to the form on sign-out or when the API says the session is over.

import {
  SignInError,
  clearSession,
  cognitoNewPassword,
  cognitoSignIn,
  localSignIn,
  revokeRefreshToken,
  roleLabel,
  saveSession,
  scheduleTokenRefresh,
} from "./auth.js";
import { $, announce, show, showProblem } from "./dom.js";
import { route, showSignIn } from "./router.js";
import { state } from "./state.js";

export function startSession(session) {
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

export function endSession(message) {
  revokeRefreshToken(clearSession());
  const dialog = $("decide-dialog");
  if (dialog.open) dialog.close();
  show($("account"), false);
  show($("nav"), false);
  showProblem("");
  showSignIn(message);
}

export async function onSignIn(event) {
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
