// config.json: where the admin API is and how to sign in (see README.md). It is read once at start-up;
// a broken file must stop the sign-in form with a reason rather than send passwords somewhere odd.

export const DEFAULT_CONFIG = Object.freeze({ auth: "local", apiBase: "/admin/api" });
const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

/** config.json beside this page; the local defaults when there is none, an error when it is broken. */
export async function loadConfig() {
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
