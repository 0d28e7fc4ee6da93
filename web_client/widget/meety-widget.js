/*!
 * Meety chat widget: a Lex V2 RecognizeText client with no framework and no build step.
 * Embed: <script src="/widget/meety-widget.js" data-bot-id="auto" defer></script>  (see README.md)
 *
 * Security rules this file keeps (the pages it lives on run a strict CSP, and bot text is untrusted):
 * no innerHTML, no inline style markup, no eval; bot text becomes DOM nodes through textContent only.
 */
(() => {
  "use strict";

  const SCRIPT = document.currentScript;
  const HERE = SCRIPT && SCRIPT.src ? new URL(".", SCRIPT.src).href : "";
  const MAX_KEPT = 100; // messages kept across reloads: enough context, bounded storage
  const EARLY_MS = 5 * 60 * 1000; // refresh Cognito credentials this long before they expire
  const STRINGS = {
    en: {
      title: "Meety assistant",
      open: "Open chat",
      close: "Close chat",
      label: "Message",
      placeholder: "Type a message…",
      send: "Send",
      typing: "Typing…",
      reset: "New conversation",
      language: "Language",
      log: "Conversation",
      you: "You",
      bot: "Assistant",
      empty: "Say hi, or ask me to book a meeting.",
      network: "Sorry, I can't reach the assistant right now. Please check your connection and try again.",
      busy: "Sorry, I'm a little busy. Please try again in a moment.",
      failed: "Sorry, something went wrong. Please try again.",
    },
    es: {
      title: "Asistente Meety",
      open: "Abrir chat",
      close: "Cerrar chat",
      label: "Mensaje",
      placeholder: "Escribe un mensaje…",
      send: "Enviar",
      typing: "Escribiendo…",
      reset: "Nueva conversación",
      language: "Idioma",
      log: "Conversación",
      you: "Tú",
      bot: "Asistente",
      empty: "Saluda o pídeme que reserve una reunión.",
      network: "Lo siento, ahora no puedo conectar con el asistente. Revisa tu conexión e inténtalo de nuevo.",
      busy: "Lo siento, estoy un poco ocupado. Inténtalo de nuevo en un momento.",
      failed: "Lo siento, algo salió mal. Inténtalo de nuevo.",
    },
  };
  const LANGUAGES = { en_US: "English", es_US: "Español" };

  // ---------------------------------------------------------------------------------------------
  // SigV4 (WebCrypto). Exposed as MeetyWidget._sigv4 so tests can compare it with botocore.

  const utf8 = new TextEncoder();
  const hex = (buf) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, "0")).join("");
  const sha256 = async (text) => hex(await crypto.subtle.digest("SHA-256", utf8.encode(text)));

  async function hmac(key, text) {
    const raw = typeof key === "string" ? utf8.encode(key) : key;
    const k = await crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return crypto.subtle.sign("HMAC", k, utf8.encode(text));
  }

  // RFC 3986 unreserved characters only: encodeURIComponent leaves !'()* alone, AWS does not
  const rfc3986 = (s) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());

  function canonicalQuery(search) {
    const decode = (s) => decodeURIComponent(s.replace(/\+/g, " "));
    return search
      .replace(/^\?/, "")
      .split("&")
      .filter(Boolean)
      .map((pair) => {
        const i = pair.indexOf("=");
        const key = i < 0 ? pair : pair.slice(0, i);
        return [rfc3986(decode(key)), rfc3986(decode(i < 0 ? "" : pair.slice(i + 1)))];
      })
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
      .map((kv) => kv.join("="))
      .join("&");
  }

  /**
   * Signs {method, url, headers, body} with {accessKeyId, secretAccessKey, sessionToken}; returns the headers
   * to send (the request's own, X-Amz-Date, X-Amz-Security-Token, Authorization). Host is signed but not
   * returned: browsers set it themselves.
   */
  async function sign(request, credentials, region, service, date = new Date()) {
    const url = new URL(request.url);
    const amzDate = new Date(date).toISOString().replace(/[-:]|\.\d{3}/g, "");
    const day = amzDate.slice(0, 8);
    const out = Object.assign({}, request.headers, { "X-Amz-Date": amzDate });
    if (credentials.sessionToken) out["X-Amz-Security-Token"] = credentials.sessionToken;
    const signed = { host: url.host };
    for (const [name, value] of Object.entries(out)) signed[name.toLowerCase()] = String(value).trim().replace(/\s+/g, " ");
    const names = Object.keys(signed).sort();
    // Every service but S3 signs the path encoded twice: once in the URL, once more here.
    const path = url.pathname.split("/").map(rfc3986).join("/") || "/";
    const canonical = [
      (request.method || "GET").toUpperCase(),
      path,
      canonicalQuery(url.search),
      names.map((n) => `${n}:${signed[n]}\n`).join(""),
      names.join(";"),
      await sha256(request.body || ""),
    ].join("\n");
    const scope = `${day}/${region}/${service}/aws4_request`;
    const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, await sha256(canonical)].join("\n");
    let key = await hmac("AWS4" + credentials.secretAccessKey, day);
    for (const part of [region, service, "aws4_request"]) key = await hmac(key, part);
    const signature = hex(await hmac(key, toSign));
    out.Authorization =
      `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, ` +
      `SignedHeaders=${names.join(";")}, Signature=${signature}`;
    return out;
  }

  const textUrl = (endpoint, botId, aliasId, localeId, sessionId) =>
    `${endpoint}/bots/${rfc3986(botId)}/botAliases/${rfc3986(aliasId)}` +
    `/botLocales/${rfc3986(localeId)}/sessions/${rfc3986(sessionId)}/text`;

  // ---------------------------------------------------------------------------------------------
  // Small helpers

  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) el.setAttribute(name, value);
    el.append(...children); // strings become text nodes, never markup
    return el;
  }

  function randomId() {
    // getRandomValues works on plain http too, unlike crypto.randomUUID
    return hex(crypto.getRandomValues(new Uint8Array(16)));
  }

  function storage(key) {
    // localStorage can throw (blocked cookies, private modes): then the conversation lives in memory only
    const memory = {};
    return {
      get(name) {
        try {
          return JSON.parse(localStorage.getItem(`${key}:${name}`));
        } catch {
          return memory[name] ?? null;
        }
      },
      set(name, value) {
        memory[name] = value;
        try {
          localStorage.setItem(`${key}:${name}`, JSON.stringify(value));
        } catch {
          /* memory only */
        }
      },
    };
  }

  class HttpError extends Error {
    constructor(status, code) {
      super(`HTTP ${status} ${code || ""}`.trim());
      this.status = status;
      this.code = code || "";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Bot text: links and emphasis only, built as DOM nodes

  const INLINE = new RegExp(
    [
      /\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/.source, // [label](url)
      /(https?:\/\/[^\s<>"]*[^\s<>".,;:!?)'\]])/.source, // bare url, without trailing punctuation
      /\*\*([^\n]+?)\*\*/.source, // **bold**
      /(?<![\w*])\*(?!\s)([^*\n]+?)\*(?![\w*])/.source, // *bold* (Slack style)
      /(?<!\w)_(?!\s)([^_\n]+?)_(?!\w)/.source, // _italic_, not snake_case
    ].join("|"),
    "g",
  );

  function link(label, href) {
    let url;
    try {
      url = new URL(href);
    } catch {
      return label;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") return label;
    return h("a", { href: url.href, target: "_blank", rel: "noopener noreferrer" }, label);
  }

  function rich(parent, text) {
    let last = 0;
    for (const m of text.matchAll(INLINE)) {
      parent.append(text.slice(last, m.index));
      last = m.index + m[0].length;
      if (m[2]) parent.append(link(m[1], m[2]));
      else if (m[3]) parent.append(link(m[3], m[3]));
      else {
        const el = h(m[6] ? "em" : "strong");
        rich(el, m[4] || m[5] || m[6]);
        parent.append(el);
      }
    }
    parent.append(text.slice(last));
  }

  // Lex messages -> what we keep and draw: {from, text} or {from, card}
  function entries(messages) {
    const out = [];
    for (const m of messages || []) {
      if (m.contentType === "ImageResponseCard" && m.imageResponseCard) {
        const c = m.imageResponseCard;
        const buttons = (c.buttons || []).map((b) => ({ text: String(b.text), value: String(b.value) }));
        out.push({ from: "bot", card: { title: c.title || "", subtitle: c.subtitle || "", buttons } });
      } else if (m.content) {
        const text = m.contentType === "SSML" ? m.content.replace(/<[^>]*>/g, "") : m.content;
        out.push({ from: "bot", text: String(text) });
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Cognito identity pool credentials (unauthenticated role), refreshed before they expire

  function cognito(poolId, fallbackRegion, store) {
    const region = poolId.split(":")[0] || fallbackRegion;
    let credentials = null;
    let pending = null;

    async function call(target, body) {
      const res = await fetch(`https://cognito-identity.${region}.amazonaws.com/`, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": `AWSCognitoIdentityService.${target}`,
        },
        body: JSON.stringify(body),
      });
      const data = await res.json().catch(() => ({}));
      if (!res.ok) throw new HttpError(res.status, data.__type);
      return data;
    }

    async function fetchCredentials(retry) {
      let id = store.get("identity");
      if (!id) {
        id = (await call("GetId", { IdentityPoolId: poolId })).IdentityId;
        store.set("identity", id);
      }
      try {
        const c = (await call("GetCredentialsForIdentity", { IdentityId: id })).Credentials;
        const expires = typeof c.Expiration === "number" ? c.Expiration * 1000 : Date.parse(c.Expiration);
        credentials = {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretKey,
          sessionToken: c.SessionToken,
          expires,
        };
      } catch (e) {
        if (retry || e.status !== 400) throw e;
        store.set("identity", null); // the pool forgot this identity: get a new one, once
        return fetchCredentials(true);
      }
    }

    return {
      async get(force) {
        if (force || !credentials || credentials.expires - Date.now() < EARLY_MS) {
          pending = pending || fetchCredentials(false).finally(() => (pending = null));
          await pending;
        }
        return credentials;
      },
    };
  }

  // ---------------------------------------------------------------------------------------------
  // The widget

  function create(options) {
    const cfg = Object.assign({ botId: "auto", aliasId: "TSTALIASID", locale: "en_US" }, options);
    const aws = Boolean(cfg.region && cfg.identityPoolId);
    const endpoint = (cfg.endpoint || (aws ? `https://runtime-v2-lex.${cfg.region}.amazonaws.com` : ""))
      .replace(/\/+$/, "");
    const locales = cfg.locales && cfg.locales.length ? cfg.locales : Object.keys(LANGUAGES);
    const store = storage(cfg.storageKey || "meety-widget");
    const auth = aws ? cognito(cfg.identityPoolId, cfg.region, store) : null;
    const container = typeof cfg.container === "string" ? document.querySelector(cfg.container) : cfg.container;
    const floating = !container;

    const saved = store.get("state") || {};
    const state = {
      sessionId: saved.sessionId || randomId(),
      locale: locales.includes(saved.locale) ? saved.locale : cfg.locale,
      attrs: saved.attrs || {},
      messages: Array.isArray(saved.messages) ? saved.messages : [],
      open: !floating || (saved.open ?? Boolean(cfg.open)),
    };
    let token = null;
    let botId = cfg.botId !== "auto" ? Promise.resolve(cfg.botId) : null;
    let queue = Promise.resolve();
    let waiting = 0;

    const t = () => STRINGS[state.locale.slice(0, 2)] || STRINGS.en;
    const save = () =>
      store.set("state", {
        sessionId: state.sessionId,
        locale: state.locale,
        attrs: state.attrs,
        messages: state.messages.filter((m) => !m.error).slice(-MAX_KEPT),
        open: state.open,
      });

    // -- DOM (in a shadow root: the host page's CSS cannot break it, ours cannot leak out)
    const host = h("div", { class: "meety-widget-host" });
    host.style.display = "none"; // until our stylesheet is in: no flash of unstyled widget
    if (cfg.color) host.style.setProperty("--mw-color", cfg.color);
    const root = host.attachShadow({ mode: "open" });
    const css = h("link", { rel: "stylesheet", href: cfg.css || HERE + "meety-widget.css" });
    const bottom = () => (log.scrollTop = log.scrollHeight);
    const show = () => {
      host.style.removeProperty("display");
      bottom(); // a hidden log has no height: scroll to the latest message once it has one
    };
    css.addEventListener("load", show);
    css.addEventListener("error", show);

    const uid = "mw-" + randomId().slice(0, 8);
    const launcher = h("button", { type: "button", class: "mw-launcher", "aria-controls": uid });
    const title = h("div", { class: "mw-title" });
    const select = h("select", { class: "mw-locale" });
    for (const id of locales) select.append(h("option", { value: id }, LANGUAGES[id] || id));
    const reset = h("button", { type: "button", class: "mw-reset" });
    const close = h("button", { type: "button", class: "mw-close" }, "×");
    const log = h("div", { class: "mw-log", role: "log", "aria-live": "polite", tabindex: "0" });
    const typing = h("div", { class: "mw-typing", role: "status" });
    const label = h("label", { for: uid + "-in", class: "mw-sr" });
    const input = h("input", { id: uid + "-in", type: "text", autocomplete: "off", maxlength: "1024" });
    const send = h("button", { type: "submit", class: "mw-send" });
    const form = h("form", { class: "mw-form" }, label, input, send);
    const head = h("div", { class: "mw-head" }, title);
    if (floating) head.append(close);
    head.append(h("div", { class: "mw-tools" }, select, reset));
    const panel = h("section", { class: "mw-panel", id: uid }, head, log, typing, form);
    const frame = h("div", { class: floating ? "mw mw-floating" : "mw mw-inline" }, panel);
    if (floating) frame.prepend(launcher);
    root.append(css, frame);

    const emit = (name, detail) =>
      host.dispatchEvent(new CustomEvent(`meety:${name}`, { bubbles: true, composed: true, detail }));

    function strings() {
      const s = t();
      frame.lang = state.locale.slice(0, 2);
      title.textContent = cfg.title || s.title;
      panel.setAttribute("aria-label", cfg.title || s.title);
      launcher.textContent = state.open ? s.close : s.open;
      launcher.setAttribute("aria-expanded", String(state.open));
      close.setAttribute("aria-label", s.close);
      select.setAttribute("aria-label", s.language);
      select.value = state.locale;
      reset.textContent = s.reset;
      log.setAttribute("aria-label", s.log);
      log.dataset.empty = s.empty;
      label.textContent = s.label;
      input.placeholder = s.placeholder;
      send.textContent = s.send;
      typing.textContent = waiting ? s.typing : "";
    }

    function bubble(m, active) {
      const s = t();
      const el = h("div", { class: `mw-msg mw-${m.from}${m.error ? " mw-error" : ""}` });
      el.append(h("span", { class: "mw-sr" }, `${m.from === "user" ? s.you : s.bot}: `));
      if (m.card) el.append(card(m.card, active));
      else if (m.error) el.append(s[m.error] || s.failed);
      else if (m.from === "bot") rich(el, String(m.text || ""));
      else el.append(String(m.text || "")); // stored data may be old or edited: never trust its shape
      return el;
    }

    function card(c, active) {
      const el = h("div", { class: "mw-card" });
      if (c.title) el.append(h("div", { class: "mw-card-title" }, c.title));
      if (c.subtitle) el.append(h("div", { class: "mw-card-sub" }, c.subtitle));
      const group = h("div", { class: "mw-buttons", role: "group" });
      if (c.title) group.setAttribute("aria-label", c.title);
      for (const b of c.buttons || []) {
        const button = h("button", { type: "button", class: "mw-choice" }, b.text);
        button.disabled = !active;
        button.addEventListener("click", () => say(b.value, b.text));
        group.append(button);
      }
      el.append(group);
      return el;
    }

    // Only the cards of the latest reply can be clicked: older choices answer questions no longer asked.
    function render() {
      log.replaceChildren();
      const lastUser = state.messages.map((m) => m.from).lastIndexOf("user");
      state.messages.forEach((m, i) => log.append(bubble(m, i > lastUser)));
      bottom();
    }

    function add(m) {
      state.messages.push(m);
      if (state.messages.length > MAX_KEPT * 2) state.messages.splice(0, MAX_KEPT);
      log.append(bubble(m, m.from === "bot"));
      bottom();
      save();
    }

    function busy(delta) {
      waiting += delta;
      frame.classList.toggle("mw-waiting", waiting > 0);
      typing.textContent = waiting ? t().typing : "";
      if (waiting) bottom();
    }

    async function authorization() {
      let value = token;
      const provider = typeof cfg.tokenProvider === "function" ? cfg.tokenProvider : window[cfg.tokenProvider];
      if (typeof provider === "function") {
        try {
          value = (await provider()) || token;
        } catch (e) {
          console.warn("meety-widget: the token provider failed; sending this turn without a token", e);
        }
      }
      if (!value) return null;
      return /^Bearer /i.test(value) ? value : `Bearer ${value}`;
    }

    async function resolveBotId() {
      botId =
        botId ||
        fetch(`${endpoint}/health`)
          .then((res) => (res.ok ? res.json() : Promise.reject(new HttpError(res.status))))
          .then((health) => health.bot.id);
      return botId.catch((e) => {
        botId = null; // ask again next turn
        throw e;
      });
    }

    async function recognize(text) {
      const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
      // Lex replaces session attributes when given: send back what the bot returned, plus our zone.
      const attrs = Object.assign({}, state.attrs, zone ? { timeZone: zone } : {});
      const payload = { text, sessionState: { sessionAttributes: attrs } };
      const bearer = await authorization();
      if (bearer) payload.requestAttributes = { authorization: bearer };
      const body = JSON.stringify(payload);
      const url = textUrl(endpoint, await resolveBotId(), cfg.aliasId, state.locale, state.sessionId);
      for (let attempt = 0; ; attempt++) {
        let headers = { "Content-Type": "application/json" };
        if (auth) {
          const request = { method: "POST", url, headers, body };
          headers = await sign(request, await auth.get(attempt > 0), cfg.region, "lex");
        }
        const res = await fetch(url, { method: "POST", headers, body });
        if (res.ok) return res.json();
        const code = res.headers.get("x-amzn-ErrorType") || "";
        const text403 = res.status === 403 ? await res.text().catch(() => "") : "";
        // credentials can expire between our check and AWS's: refresh once and retry
        if (auth && attempt === 0 && /expired/i.test(code + text403)) continue;
        throw new HttpError(res.status, code.split(":")[0]);
      }
    }

    function problem(e) {
      if (!(e instanceof HttpError)) return "network"; // fetch rejects with TypeError offline
      return e.status === 409 || e.status === 429 ? "busy" : "failed";
    }

    async function turn(text) {
      busy(1);
      try {
        const reply = await recognize(text);
        if (reply.sessionState && reply.sessionState.sessionAttributes) {
          state.attrs = reply.sessionState.sessionAttributes;
        }
        for (const m of entries(reply.messages)) add(m);
        save();
        emit("reply", reply);
      } catch (e) {
        add({ from: "bot", error: problem(e) });
        emit("error", { status: e.status || 0, code: e.code || "NetworkError" });
      } finally {
        busy(-1);
      }
    }

    // `shown` is what the user sees as their message (a button's text); `text` is what the bot gets.
    function say(text, shown) {
      text = String(text || "").trim();
      if (!text) return queue;
      log.querySelectorAll(".mw-choice").forEach((b) => (b.disabled = true));
      add({ from: "user", text: shown || text });
      emit("send", { text });
      queue = queue.then(() => turn(text)); // one turn at a time: Lex answers 409 to a second one
      return queue;
    }

    function setOpen(open, focus) {
      state.open = !floating || open;
      panel.hidden = !state.open;
      bottom();
      strings();
      save();
      emit(state.open ? "open" : "close", {});
      if (focus) (state.open ? input : launcher).focus();
    }

    function setLocale(locale) {
      if (!locales.includes(locale)) return;
      state.locale = locale; // same session id: the conversation goes on in the other language
      save();
      strings();
      render();
      emit("locale", { locale });
    }

    function restart() {
      state.sessionId = randomId();
      state.attrs = {};
      state.messages = [];
      save();
      render();
      emit("reset", { sessionId: state.sessionId });
    }

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = input.value;
      input.value = "";
      say(text);
    });
    launcher.addEventListener("click", () => setOpen(!state.open, true));
    close.addEventListener("click", () => setOpen(false, true));
    select.addEventListener("change", () => setLocale(select.value));
    reset.addEventListener("click", () => {
      restart();
      input.focus();
    });
    panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && floating) setOpen(false, true);
    });

    (container || document.body).append(host);
    strings();
    render();
    panel.hidden = !state.open;
    emit("ready", { sessionId: state.sessionId, locale: state.locale });

    return {
      send: say,
      open: () => setOpen(true, true),
      close: () => setOpen(false, true),
      setLocale,
      reset: restart,
      setToken: (value) => (token = value || null),
      get sessionId() {
        return state.sessionId;
      },
      get locale() {
        return state.locale;
      },
      destroy: () => host.remove(),
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Public API and auto-start from the script tag

  let widget = null;
  let pendingToken = null;

  function fromScript(script) {
    const d = script.dataset;
    return {
      endpoint: d.endpoint,
      botId: d.botId,
      aliasId: d.aliasId,
      locale: d.locale,
      locales: d.locales ? d.locales.split(",").map((s) => s.trim()) : undefined,
      title: d.title,
      color: d.color,
      region: d.region,
      identityPoolId: d.identityPoolId,
      tokenProvider: d.tokenProvider,
      container: d.container,
      storageKey: d.storageKey,
      open: d.open === "true",
    };
  }

  const drop = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== ""));

  const api = {
    version: "1.0.0",
    init(options) {
      if (widget) widget.destroy();
      widget = create(drop(options || {}));
      if (pendingToken) widget.setToken(pendingToken);
      return widget;
    },
    setToken(value) {
      pendingToken = value || null;
      if (widget) widget.setToken(pendingToken);
    },
    send: (text) => widget && widget.send(text),
    open: () => widget && widget.open(),
    close: () => widget && widget.close(),
    setLocale: (locale) => widget && widget.setLocale(locale),
    reset: () => widget && widget.reset(),
    get widget() {
      return widget;
    },
    _sigv4: { sign },
    _textUrl: textUrl,
  };
  window.MeetyWidget = api;

  if (SCRIPT && SCRIPT.hasAttribute("data-bot-id")) {
    const start = () => api.init(fromScript(SCRIPT));
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
