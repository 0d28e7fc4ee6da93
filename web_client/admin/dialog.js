// The decision dialog (a native modal <dialog>): Approve with an optional note, Reject with a required
// reason, the API's answer shown in it or on the page, and focus back where the user was.

import { api, messageOf } from "./api.js";
import { backupTarget } from "./backups.js";
import { $, announce, formatRange, showProblem } from "./dom.js";
import { viewTitle, withFocusKey } from "./focus.js";
import { refreshView } from "./router.js";
import { STATUSES, SessionEnded, state } from "./state.js";

const REASON_MAX = 500;

function describe(request) {
  const who = request.requester?.displayName ?? "unknown";
  if (!request.meeting) {
    const target = request.backup ? ` of ${backupTarget(request.backup)}` : "";
    return `Backup${target} requested by ${who}. Approving runs it once, at once.`;
  }
  return `Meeting with ${request.meeting.attendeeName}, ${formatRange(request.meeting.start, request.meeting.end)}, requested by ${who}.`;
}

export function openDecision(request, action, opener) {
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

export async function onDecide(event) {
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

export function closeDialog() {
  const dialog = $("decide-dialog");
  if (dialog.open) dialog.close();
}

/** Back to the button that opened the dialog, or its replacement after a refresh, or the heading. */
export function onDialogClosed() {
  const { opener, focusKey } = state.dialog ?? {};
  state.dialog = null;
  if (opener?.isConnected) return opener.focus();
  const again = focusKey ? withFocusKey(focusKey) : null;
  if (again) return again.focus();
  viewTitle()?.focus();
}
