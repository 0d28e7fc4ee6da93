// Pieces the request list and the request detail share: table cells (labelled, for the card layout
// below 48em), status badges and the Details / Approve / Reject controls.

import { canDecide } from "./auth.js";
import { openDecision } from "./dialog.js";
import { h } from "./dom.js";
import { STATUSES } from "./state.js";

export function cell(label, ...children) {
  return h("td", { role: "cell", "data-label": label }, ...children);
}

export function badge(status) {
  const known = STATUSES.includes(status) ? status : "unknown";
  return h("span", { class: `badge badge-${known}` }, status);
}

/** Details always; Approve and Reject only for pending requests and admins (the API enforces this too). */
export function actionsFor(request, describedBy) {
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
