// Swagger UI for the admin API, started from a file so the page needs no inline script (CSP).
// Sign in at /admin/ first, or paste a token into "Authorize": every route but /health needs one.
/* global SwaggerUIBundle */
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  SwaggerUIBundle({
    url: "/admin/api/openapi.json",
    dom_id: "#swagger",
    deepLinking: true,
    persistAuthorization: false,
  });
});
