// The sandbox page's behaviour: keep the regions current (server-sent events, then one
// fetch of the server-rendered fragments), and turn clicks and form submissions into
// requests the server delivers to the bot as Slack would. No HTML is built here from
// data: everything shown comes rendered (and escaped) by the server, or as textContent.
"use strict";

(function () {
  const body = document.body;
  const state = {
    me: body.dataset.me,
    thread: body.dataset.thread || "",
    tab: body.dataset.tab || "channel",
    net: body.dataset.net || "",
  };
  const shown = {}; // region name -> last HTML put there
  let modalKey = document.getElementById("region-modal").dataset.key || "";
  let fetching = false;
  let again = false;
  let expiryTimer = null;
  let replyingTo = null; // the post the composer answers, if any

  // -- keeping the page current ------------------------------------------------------
  function query() {
    const params = new URLSearchParams({ as: state.me });
    if (state.thread) params.set("thread", state.thread);
    if (state.tab === "home") params.set("tab", "home");
    if (state.net) params.set("net", state.net);
    return params;
  }

  function remember() {
    history.replaceState(null, "", "?" + query().toString());
    body.dataset.me = state.me;
    body.dataset.thread = state.thread;
    body.dataset.tab = state.tab;
    body.dataset.net = state.net;
  }

  // One network's panel at a time, chosen with its tab.
  function showNetwork(name) {
    const panel = document.getElementById("region-network-" + name);
    if (!panel) return;
    state.net = name;
    document.querySelectorAll(".networks [data-network-tab]").forEach((tab) => {
      tab.setAttribute("aria-selected", String(tab.dataset.networkTab === name));
    });
    document.querySelectorAll(".networks > [role=tabpanel]").forEach((other) => {
      other.hidden = other !== panel;
    });
    remember();
  }

  function nearBottom(element) {
    return element.scrollHeight - element.scrollTop - element.clientHeight < 40;
  }

  function replaceRegion(name, html) {
    const region = document.getElementById("region-" + name);
    if (!region || shown[name] === html) return;
    const scroller = region.matches("[data-scroll]") ? region : region.querySelector("[data-scroll]");
    const stick = scroller ? nearBottom(scroller) : false;
    const top = scroller ? scroller.scrollTop : 0;
    const open = [...region.querySelectorAll("details[open]")].map(menuKey);
    region.innerHTML = html;
    shown[name] = html;
    region.querySelectorAll("details.overflow").forEach((details) => {
      if (open.includes(menuKey(details))) details.open = true;
    });
    const after = region.matches("[data-scroll]") ? region : region.querySelector("[data-scroll]");
    if (after) after.scrollTop = stick ? after.scrollHeight : top;
  }

  function menuKey(details) {
    const message = details.closest("[data-ts]");
    return (message ? message.dataset.ts : "") + ":" + (details.closest("[data-block]") || {}).dataset?.block;
  }

  async function refresh() {
    if (fetching) {
      again = true;
      return;
    }
    fetching = true;
    try {
      const response = await fetch("/fragments?" + query().toString(), { cache: "no-store" });
      if (!response.ok) throw new Error("HTTP " + response.status);
      const data = await response.json();
      for (const [name, html] of Object.entries(data.regions)) replaceRegion(name, html);
      const modal = document.getElementById("region-modal");
      if (data.modal.key !== modalKey) {
        const before = modal.querySelector("form.modal");
        modal.innerHTML = data.modal.html;
        carryInputs(before, modal.querySelector("form.modal"));
        modal.dataset.key = data.modal.key;
        modalKey = data.modal.key;
        const first = modal.querySelector("textarea, input[type=text]");
        if (first) first.focus();
      }
      updateChrome();
      scheduleExpiry();
    } catch (error) {
      toast("Could not update the page: " + error.message);
    } finally {
      fetching = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  function updateChrome() {
    document.getElementById("region-channel").hidden = state.tab === "home";
    document.getElementById("region-home").hidden = state.tab !== "home";
    document.querySelectorAll(".sidebar [data-tab]").forEach((link) => {
      link.classList.toggle("active", link.dataset.tab === state.tab);
    });
    const person = document.querySelector("#whoami option:checked");
    const name = person ? person.textContent.trim().split(" ")[0].replace("@", "") : "";
    document.querySelectorAll(".phone-me").forEach((el) => (el.textContent = name));
    const foot = document.querySelector(".sidebar-foot");
    if (foot && person) {
      const [handle, role] = person.textContent.split(" — ");
      foot.textContent = "";
      foot.append("You are ");
      const bold = document.createElement("b");
      bold.textContent = handle.trim();
      foot.append(bold, document.createElement("br"), (role || "").trim());
    }
  }

  // A windowed fault (a rate limit) ends by itself: redraw when it does.
  function scheduleExpiry() {
    clearTimeout(expiryTimer);
    const ends = [...document.querySelectorAll("[data-until]")].map((el) => parseFloat(el.dataset.until));
    if (!ends.length) return;
    const wait = Math.max(0, Math.min(...ends) * 1000 - Date.now()) + 300;
    expiryTimer = setTimeout(refresh, wait);
  }

  function listen() {
    const events = new EventSource("/events");
    events.addEventListener("changed", () => refresh());
    events.onerror = () => {
      // The browser reconnects by itself; say so only if the server is gone for good.
      if (events.readyState === EventSource.CLOSED) toast("The sandbox stopped.");
    };
  }

  // -- talking to the server ------------------------------------------------------------
  async function post(path, payload) {
    const response = await fetch(path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(payload),
    });
    let answer = {};
    try {
      answer = await response.json();
    } catch (error) {
      answer = { ok: false, message: "HTTP " + response.status };
    }
    if (!response.ok && answer.ok !== false) answer.ok = false;
    return answer;
  }

  function toast(text) {
    const box = document.getElementById("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => (box.hidden = true), 6000);
  }

  function confirmFirst(element) {
    const raw = element.dataset.confirm;
    if (!raw) return Promise.resolve(true);
    const texts = JSON.parse(raw);
    const dialog = document.getElementById("confirm");
    dialog.querySelector(".confirm-title").textContent = texts.title;
    dialog.querySelector(".confirm-text").textContent = texts.text;
    dialog.querySelector(".confirm-ok").textContent = texts.confirm;
    dialog.querySelector(".confirm-deny").textContent = texts.deny;
    return new Promise((resolve) => {
      const ok = dialog.querySelector(".confirm-ok");
      const deny = dialog.querySelector(".confirm-deny");
      const done = (answer) => {
        ok.onclick = deny.onclick = dialog.oncancel = null;
        dialog.close();
        resolve(answer);
      };
      ok.onclick = () => done(true);
      deny.onclick = () => done(false);
      dialog.oncancel = () => done(false);
      dialog.showModal();
    });
  }

  async function act(element, extra) {
    if (!(await confirmFirst(element))) return;
    const payload = {
      as: state.me,
      action_id: element.dataset.action,
      block_id: element.dataset.blockId,
      ...extra,
    };
    if (element.dataset.value !== undefined) payload.value = element.dataset.value;
    const view = element.closest("[data-view]");
    const message = element.closest("[data-ts]");
    if (view) {
      payload.view = view.dataset.view;
    } else if (message) {
      payload.channel = message.dataset.channel;
      payload.ts = message.dataset.ts;
    }
    if (element.dataset.url) window.open(element.dataset.url, "_blank", "noopener");
    element.disabled = true;
    element.classList.add("busy");
    try {
      const answer = await post("/api/click", payload);
      if (!answer.ok) toast("⚠️ " + (answer.message || "That did not work."));
    } finally {
      element.disabled = false;
      element.classList.remove("busy");
      const menu = element.closest("details");
      if (menu) menu.open = false;
    }
  }

  // -- modals ---------------------------------------------------------------------------
  function formValues(form) {
    const values = {};
    form.querySelectorAll("[data-input]").forEach((input) => {
      const type = input.dataset.type;
      let value = null;
      if (type === "plain_text_input") {
        value = input.querySelector("textarea, input").value;
      } else if (type === "radio_buttons") {
        const chosen = input.querySelector("input:checked");
        value = chosen ? chosen.value : null;
      } else if (type === "checkboxes") {
        value = [...input.querySelectorAll("input:checked")].map((box) => box.value);
      } else if (type === "static_select") {
        value = input.querySelector("select").value || null;
      } else {
        return;
      }
      (values[input.dataset.inputBlock] ||= {})[input.dataset.inputAction] = value;
    });
    return values;
  }

  // Like Slack, an update of the open modal (views.update) keeps what the person typed in
  // every input whose block_id and action_id stay the same; an app resets one on purpose
  // by giving its block a new id.
  function carryInputs(before, after) {
    if (!before || !after || before.dataset.view !== after.dataset.view) return;
    before.querySelectorAll("[data-input]").forEach((old) => {
      const { inputBlock, inputAction, type } = old.dataset;
      const now = Array.from(after.querySelectorAll("[data-input]")).find(
        (input) =>
          input.dataset.inputBlock === inputBlock &&
          input.dataset.inputAction === inputAction &&
          input.dataset.type === type,
      );
      if (!now) return;
      const choices = old.querySelectorAll("input[type=radio], input[type=checkbox]");
      if (choices.length) {
        const picked = new Set(Array.from(choices).filter((c) => c.checked).map((c) => c.value));
        now.querySelectorAll("input[type=radio], input[type=checkbox]").forEach((c) => {
          c.checked = picked.has(c.value);
        });
        return;
      }
      const field = old.querySelector("textarea, input, select");
      const target = now.querySelector("textarea, input, select");
      if (field && target && field.tagName === target.tagName) target.value = field.value;
    });
  }

  function showErrors(form, errors) {
    form.querySelectorAll("[data-input]").forEach((input) => {
      const message = errors[input.dataset.inputBlock];
      const box = input.querySelector(".error");
      input.classList.toggle("has-error", Boolean(message));
      box.textContent = message || "";
      box.hidden = !message;
    });
  }

  async function submitModal(form) {
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const answer = await post("/api/submit", {
        as: state.me,
        view: form.dataset.view,
        values: formValues(form),
      });
      // The app may have updated the modal while the submission was on its way (the page
      // then drew a new form): show the errors on the form that is on screen now.
      const shown = document.querySelector(`#region-modal form.modal[data-view="${form.dataset.view}"]`);
      if (answer.errors) showErrors(shown || form, answer.errors);
      if (!answer.ok && answer.message) toast("⚠️ " + answer.message);
    } finally {
      if (button) button.disabled = false;
    }
  }

  // -- the customer composer ------------------------------------------------------------
  const composer = document.getElementById("composer");

  // The network's own opening of a post ("@brand " where customers mention the brand).
  function prefill(option) {
    return option ? (option.dataset.prefill ?? "@" + option.dataset.brand + " ") : "";
  }

  let previousNetwork = composer.elements.network.selectedOptions[0] || null;

  // After the network select changed: its handle rules, and its opening of a post when
  // the text is still the previous network's untouched opening.
  function networkChosen(before) {
    const fields = composer.elements;
    const option = fields.network.selectedOptions[0];
    if (!option) return;
    fields.handle.pattern = option.dataset.pattern;
    // Only where customers can write privately to the brand (and the bot reads it).
    fields.private.disabled = option.dataset.private === undefined;
    if (fields.private.disabled) fields.private.checked = false;
    if (before !== option && (!fields.text.value.trim() || fields.text.value === prefill(before))) {
      fields.text.value = prefill(option);
    }
    if (before !== option) replyTo(null);
    previousNetwork = option;
    showNetwork(option.value);
  }

  function chooseNetwork(name) {
    const fields = composer.elements;
    if (!name || fields.network.value === name) return;
    const before = fields.network.selectedOptions[0];
    fields.network.value = name;
    networkChosen(before);
  }

  function fillPersona(persona) {
    const fields = composer.elements;
    fields.name.value = persona.name || "";
    fields.handle.value = persona.handle || "";
    fields.followers.value = persona.followers || 0;
    fields.verified.checked = Boolean(persona.verified);
    fields.language.value = persona.language || "";
    fields.accepts_private_messages.checked = persona.accepts_private_messages !== false;
  }

  function replyTo(postId, handle) {
    replyingTo = postId || null;
    const line = composer.querySelector(".reply-to");
    line.hidden = !postId;
    line.querySelector(".reply-handle").textContent = postId ? "@" + handle : "";
  }

  async function compose() {
    const fields = composer.elements;
    const status = composer.querySelector(".composer-status");
    status.textContent = "Posting…";
    const answer = await post("/api/compose", {
      network: fields.network.value,
      persona: {
        name: fields.name.value,
        handle: fields.handle.value,
        followers: fields.followers.value,
        verified: fields.verified.checked,
        language: fields.language.value,
        accepts_private_messages: fields.accepts_private_messages.checked,
      },
      text: fields.text.value,
      reply_to: replyingTo,
      private: fields.private.checked && !fields.private.disabled,
    });
    if (answer.ok) {
      status.textContent = answer.private_message
        ? "Sent privately. Carethread picks it up at its next poll."
        : "Posted. Carethread picks it up at its next poll.";
      fields.text.value = prefill(fields.network.selectedOptions[0]);
      replyTo(null);
    } else {
      status.textContent = answer.message || "Could not post.";
    }
  }

  // -- wiring ---------------------------------------------------------------------------
  document.addEventListener("click", (event) => {
    const target = event.target.closest(
      "[data-action]:not(select), [data-thread], a.local, [data-close-thread], [data-tab], " +
        "[data-close-view], button[data-reply-to], [data-clear-reply], [data-story], " +
        "[data-network-tab]"
    );
    if (!target) {
      document.querySelectorAll("details.overflow[open]").forEach((d) => {
        if (!d.contains(event.target)) d.open = false;
      });
      return;
    }
    if (target.matches("[data-action]")) {
      event.preventDefault();
      act(target, target.dataset.option !== undefined ? { selected_option: target.dataset.option } : {});
    } else if (target.matches("[data-thread], a.local")) {
      const href = target.getAttribute("href") || "";
      if (href.startsWith("#thread=")) {
        event.preventDefault();
        state.thread = href.slice("#thread=".length);
        state.tab = "channel";
        remember();
        refresh();
      }
      // Other local links are anchors (a post on a network's timeline): its network's tab
      // shows, then the browser scrolls to it.
      const anchored = href.startsWith("#") && document.getElementById(href.slice(1));
      const panel = anchored && anchored.closest("[data-network]");
      if (panel) showNetwork(panel.dataset.network);
    } else if (target.matches("[data-close-thread]")) {
      state.thread = "";
      remember();
      refresh();
    } else if (target.matches("[data-tab]")) {
      event.preventDefault();
      state.tab = target.dataset.tab;
      remember();
      refresh();
    } else if (target.matches("[data-close-view]")) {
      const form = target.closest("[data-view]");
      post("/api/close", { as: state.me, view: form.dataset.view }).then((answer) => {
        if (!answer.ok) toast("⚠️ " + (answer.message || "Could not close."));
      });
    } else if (target.matches("button[data-reply-to][data-brand-post]")) {
      // A customer answering the brand (a follow-up): whoever the composer describes.
      chooseNetwork(target.dataset.network);
      replyTo(target.dataset.replyTo, target.dataset.brandPost);
      composer.elements.text.focus();
    } else if (target.matches("button[data-reply-to]")) {
      chooseNetwork(target.dataset.network);
      const preset = [...composer.elements.preset.options].find(
        (o) =>
          o.dataset.persona &&
          JSON.parse(o.dataset.persona).handle === target.dataset.handle &&
          (!o.dataset.network || o.dataset.network === target.dataset.network),
      );
      if (preset) {
        composer.elements.preset.value = preset.value;
        fillPersona(JSON.parse(preset.dataset.persona));
      } else {
        composer.elements.handle.value = target.dataset.handle;
      }
      replyTo(target.dataset.replyTo, target.dataset.handle);
      composer.elements.text.focus();
    } else if (target.matches("[data-network-tab]")) {
      // The composer writes on the network in view.
      chooseNetwork(target.dataset.networkTab);
      showNetwork(target.dataset.networkTab);
    } else if (target.matches("[data-clear-reply]")) {
      replyTo(null);
    } else if (target.matches("[data-story]")) {
      post("/api/story", {}).then((answer) => {
        if (!answer.ok) toast("⚠️ " + (answer.message || "The story could not start."));
      });
    }
  });

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (target.id === "whoami") {
      state.me = target.value;
      remember();
      modalKey = "-"; // someone else's modals: redraw
      refresh();
    } else if (target.matches("select[data-select]")) {
      if (target.value) act(target, { selected_option: target.value });
    } else if (target.matches("input[data-fault]")) {
      post("/api/fault", { key: target.dataset.fault, on: target.checked }).then((answer) => {
        if (!answer.ok) toast("⚠️ " + (answer.message || "Could not switch."));
      });
    } else if (target.name === "preset" && target.form === composer) {
      const option = target.selectedOptions[0];
      if (option && option.dataset.network) chooseNetwork(option.dataset.network);
      fillPersona(option && option.dataset.persona ? JSON.parse(option.dataset.persona) : {});
    } else if (target.name === "network" && target.form === composer) {
      networkChosen(previousNetwork);
    }
  });

  // -- slash commands ---------------------------------------------------------------------
  async function sendCommand(form) {
    const field = form.elements.text;
    const answer = await post("/api/command", { as: state.me, text: field.value });
    if (answer.ok) field.value = "";
    else toast("⚠️ " + (answer.message || "Could not send the command."));
  }

  document.addEventListener("submit", (event) => {
    event.preventDefault();
    if (event.target.id === "command") sendCommand(event.target);
    else if (event.target === composer) compose();
    else if (event.target.matches("form[data-view]")) submitModal(event.target);
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const close = document.querySelector("#region-modal [data-close-view]");
    if (close && !document.getElementById("confirm").open) close.click();
  });

  for (const region of document.querySelectorAll("[id^=region-]")) {
    shown[region.id.slice("region-".length)] = region.innerHTML;
  }
  document.querySelectorAll("[data-scroll]").forEach((el) => (el.scrollTop = el.scrollHeight));
  if (state.net) chooseNetwork(state.net);
  remember();
  scheduleExpiry();
  listen();
})();
