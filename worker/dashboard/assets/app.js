// Baton dashboard: progressive enhancement over server-rendered pages. Without this file every
// page still works (forms post, a reload shows fresh state). With it:
//  - [data-live-src] regions are refreshed from their fragment URL every 1.5 s, or every
//    data-live-interval-ms when the region says so (charts of 30 s samples) (a setTimeout
//    chain, restarted on visibilitychange/online/pageshow and by a watchdog, so polling comes
//    back after the laptop sleeps);
//  - heartbeat ages tick each second from data-last-heartbeat-at and the server's clock, as do
//    <time data-at> moments ("5 min ago"), whose hover adds the browser's own time zone;
//  - when updates stop for two refreshes the page is dimmed under a banner that says since when
//    what it shows is old, and a pool's health word ([data-health-label]) leads the page title
//    and picks the favicon's badge;
//    Once the region holds a [data-live-done] element (a finished job) polling stops and the
//    status line says the attribute's text;
//    A refresh never replaces the region while the confirm dialog is open or a pointer is down
//    (a press and its release must land on the same button);
//  - elements with data-shown-by="<select id>" and data-shown-for="<values>" show (and, for a
//    fieldset, submit) only while that select has one of the values (the server already serves
//    the ones not chosen hidden, so nothing flashes before this runs);
//  - forms with data-confirm ask first in the shared <dialog>, naming the chosen options
//    ({field} in the question) with data-confirm-verb on the button, red with data-confirm-danger;
//  - a section with data-follows-key is read again from data-follows-src when the live region's
//    [data-follow-key-for=<its id>] marker carries another key;
//  - [data-keep-scroll][id] elements (wide tables) keep their scroll position across refreshes,
//    also when a refresh briefly had no such element;
//  - [data-copy="<id>"] buttons (hidden without this script) copy that element's text, or
//    select it for Ctrl+C when the clipboard is not available.
//  - a button with data-inline-result="<element id>" posts its form with fetch and shows the
//    answer (an HTML fragment) in that element, leaving the form as typed; field errors in the
//    answer are put next to their fields.
(() => {
  const POLL_MS = 1500;
  const RETRY_MS = 5000;
  const REQUEST_TIMEOUT_MS = 8000;
  const STALE_MS = 10000;
  const PRESS_MS = 5000;

  const region = document.querySelector("[data-live-src]");
  const pollMs = Math.max(POLL_MS, Number(region?.getAttribute("data-live-interval-ms")) || 0);
  const staleMs = pollMs + STALE_MS;
  const status = document.querySelector("[data-live-status]");
  const dialog = document.getElementById("confirm-dialog");
  let offsetMs = 0; // server clock minus this clock
  let timer = 0;
  const baseTitle = document.title;
  let staleBanner = null;
  let inFlight = false;
  let lastSuccessAt = Date.now();
  let movedUntil = 0;
  let done = false;

  // Same wording as worker/dashboard/common/format.ts formatAge.
  function formatAge(ageMs) {
    const seconds = Math.max(0, Math.floor(ageMs / 1000));
    if (seconds < 60) return `${seconds} s ago`;
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return `${minutes} min ago`;
    const hours = Math.floor(minutes / 60);
    if (hours < 48) return `${hours} h ago`;
    return `${Math.floor(hours / 24)} d ago`;
  }

  function readServerClock(root) {
    const stamp = root.querySelector("[data-server-now]");
    const at = Number(stamp?.getAttribute("data-server-now"));
    if (at > 0) offsetMs = at - Date.now();
  }

  function tick() {
    for (const element of document.querySelectorAll("[data-last-heartbeat-at]")) {
      const at = Number(element.getAttribute("data-last-heartbeat-at"));
      element.textContent = at > 0 ? formatAge(Date.now() + offsetMs - at) : "never";
    }
    // <time data-at> (worker/dashboard/common/when.tsx): relative text, exact time on hover.
    for (const element of document.querySelectorAll("time[data-at]")) {
      const at = Number(element.getAttribute("data-at"));
      const age = Date.now() + offsetMs - at;
      element.textContent = age >= 0 ? formatAge(age) : `in ${formatAge(-age).replace(" ago", "")}`;
      if (!element.dataset.localTime) {
        element.dataset.localTime = new Date(at).toLocaleString();
        element.title = `${element.dataset.localTime} (your time) · ${element.title}`;
      }
    }
    markStale();
  }

  // A page that stopped updating must not read as live: dim it and say since when it is old.
  function markStale() {
    if (!region || done) return;
    const silentMs = Date.now() - lastSuccessAt;
    const stale = silentMs > 2 * pollMs + 1000;
    document.body.toggleAttribute("data-stale", stale);
    if (!stale) {
      if (staleBanner) staleBanner.hidden = true;
      return;
    }
    if (!staleBanner) {
      staleBanner = document.createElement("p");
      staleBanner.className = "stale-banner";
      staleBanner.setAttribute("role", "alert");
      staleBanner.dataset.testid = "stale-banner";
      region.before(staleBanner);
    }
    staleBanner.hidden = false;
    const at = new Date(lastSuccessAt).toLocaleTimeString();
    staleBanner.textContent = `No update from the control plane for ${formatAge(silentMs).replace(" ago", "")}: what you see below is how things were at ${at}, not now.`;
  }

  // The favicon wears the pool's health as a badge (favicon-<state>.svg), like the title.
  const favicon = document.getElementById("favicon");
  function showHealthInTitle(root) {
    const health = root.querySelector("[data-health-label]");
    const label = health?.getAttribute("data-health-label");
    document.title = label ? `${label} · ${baseTitle}` : baseTitle;
    const state = health?.getAttribute("data-health");
    if (favicon && state) {
      const href = `/dashboard/favicon-${state.replace("_", "-")}.svg`;
      if (favicon.getAttribute("href") !== href) favicon.setAttribute("href", href);
    }
  }

  function say(text, state) {
    if (!status) return;
    status.textContent = text;
    status.dataset.state = state;
  }

  // A finished region does not change any more: stop asking for it.
  function checkDone() {
    const marker = region?.querySelector("[data-live-done]");
    if (!marker) return false;
    done = true;
    clearTimeout(timer);
    say(marker.getAttribute("data-live-done") || "Finished", "done");
    return true;
  }

  function activeMemberOf(root) {
    return root.querySelector("[data-active-member-id]")?.getAttribute("data-active-member-id");
  }

  // Where each [data-keep-scroll][id] box was scrolled to, by id: kept in the page, so a box a
  // refresh briefly replaced by a notice ("no table yet") comes back where the reader left it.
  const scrollKept = new Map();
  function keepScroll(element) {
    scrollKept.set(element.id, [element.scrollLeft, element.scrollTop]);
  }
  document.addEventListener(
    "scroll",
    (event) => {
      const box = event.target;
      if (box instanceof Element && box.id && box.hasAttribute("data-keep-scroll")) keepScroll(box);
    },
    { capture: true, passive: true },
  );

  function swap(html) {
    const focused = document.activeElement;
    const focusedId = focused && region.contains(focused) ? focused.id : "";
    const before = activeMemberOf(region);
    for (const element of region.querySelectorAll("[data-keep-scroll][id]")) keepScroll(element);
    region.innerHTML = html;
    for (const element of region.querySelectorAll("[data-keep-scroll][id]")) {
      const [left, top] = scrollKept.get(element.id) ?? [0, 0];
      if (left || top) element.scrollTo(left, top);
    }
    readServerClock(region);
    showHealthInTitle(region);
    tick();
    follow(region);
    restoreChartChoices(region);
    if (focusedId) document.getElementById(focusedId)?.focus();
    const after = activeMemberOf(region);
    if (before !== undefined && after && before !== after) {
      // A failover moved the flow: make it visible for a moment.
      region.querySelector('[data-testid="flow-active"]')?.classList.add("moved");
      const name = region.querySelector(
        `[data-testid="member-card"][data-member-id="${after}"] h3`,
      );
      say(`Traffic moved to ${name?.textContent ?? "another member"}`, "moved");
      movedUntil = Date.now() + 5000;
    }
  }

  // A section outside the live region that depends on it (the DNS tab's "the provider serves",
  // read from the provider) names its key in the region: when the key moves on (a sync
  // confirmed), the section is read again once, from its data-follows-src.
  async function follow(root) {
    for (const marker of root.querySelectorAll("[data-follow-key-for]")) {
      const section = document.getElementById(marker.getAttribute("data-follow-key-for"));
      const key = marker.getAttribute("data-key");
      if (!section || section.getAttribute("data-follows-key") === key) continue;
      section.setAttribute("data-follows-key", key);
      try {
        const response = await fetch(section.getAttribute("data-follows-src"), {
          credentials: "same-origin",
          cache: "no-store",
          headers: { Accept: "text/html" },
          signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        });
        if (response.ok && response.headers.get("X-Baton-Fragment") === "1")
          section.innerHTML = await response.text();
        else section.removeAttribute("data-follows-key"); // try again on the next refresh
      } catch {
        section.removeAttribute("data-follows-key");
      }
    }
  }

  // A click is a press and a release on the same element: a refresh replacing the region
  // between the two loses it. Swaps wait while a pointer is down, for at most PRESS_MS (a
  // release outside the window is never seen).
  let pressedAt = 0;
  document.addEventListener("pointerdown", () => (pressedAt = Date.now()), { capture: true });
  for (const type of ["pointerup", "pointercancel"])
    document.addEventListener(type, () => (pressedAt = 0), { capture: true });
  const pressing = () => pressedAt > 0 && Date.now() - pressedAt < PRESS_MS;

  async function refresh() {
    clearTimeout(timer);
    if (!region || inFlight || done) return;
    inFlight = true;
    let delay = pollMs;
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MS);
    try {
      const response = await fetch(region.getAttribute("data-live-src"), {
        credentials: "same-origin",
        cache: "no-store",
        headers: { Accept: "text/html" },
        signal: abort.signal,
      });
      if (response.ok && response.headers.get("X-Baton-Fragment") === "1") {
        const html = await response.text();
        // Never pull a form from under an open confirmation, nor a button from under a press.
        if (!dialog?.open && !pressing()) swap(html);
        lastSuccessAt = Date.now();
        if (checkDone()) return;
        if (Date.now() > movedUntil) say("Live", "live");
      } else if (response.redirected || response.status === 401) {
        say("Signed out: reload the page to sign in again", "signed-out");
        delay = RETRY_MS;
      } else {
        say(`Not updating (HTTP ${response.status}); retrying`, "error");
        delay = RETRY_MS;
      }
    } catch {
      say("Connection lost; retrying", "error");
      delay = RETRY_MS;
    } finally {
      clearTimeout(timeout);
      inFlight = false;
      if (!document.hidden && !done) timer = setTimeout(refresh, delay);
    }
  }

  // "{kind}" in a question is the chosen option's text (or the value) of the form's field "kind".
  function confirmText(form) {
    return form.dataset.confirm.replace(/\{([A-Za-z]+)\}/g, (whole, name) => {
      const field = form.elements.namedItem(name);
      if (field instanceof HTMLSelectElement) return field.selectedOptions[0]?.text ?? whole;
      return field && "value" in field && field.value ? field.value : whole;
    });
  }

  function confirmBeforeSubmit(event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
    if (!dialog || typeof dialog.showModal !== "function") return;
    event.preventDefault();
    dialog.querySelector("[data-confirm-text]").textContent = confirmText(form);
    // The button says what happens ("Restore", "Delete pool"), red when it destroys.
    const ok = dialog.querySelector("[data-testid=confirm-ok]");
    ok.textContent = form.dataset.confirmVerb || "Confirm";
    ok.className = form.hasAttribute("data-confirm-danger") ? "danger" : "primary";
    dialog.returnValue = "";
    dialog.onclose = () => {
      dialog.onclose = null;
      if (dialog.returnValue !== "confirm") return;
      // The close event comes a task after the dialog closed, and a refresh in between may have
      // replaced the live region and this form with it. A detached form does not submit: put
      // the confirmed one back (hidden) and send it.
      if (!form.isConnected) {
        form.hidden = true;
        document.body.append(form);
      }
      form.submit();
    };
    dialog.showModal();
  }

  function showFor(select) {
    for (const element of document.querySelectorAll(`[data-shown-by="${select.id}"]`)) {
      const values = (element.getAttribute("data-shown-for") || "").split(/\s+/);
      const shown = values.includes(select.value);
      element.hidden = !shown;
      if (element instanceof HTMLFieldSetElement) element.disabled = !shown;
    }
  }

  for (const select of document.querySelectorAll("select[id]")) {
    if (!document.querySelector(`[data-shown-by="${select.id}"]`)) continue;
    // In a disabled form (a viewer's) an enabled inner fieldset stays disabled by its ancestor.
    select.addEventListener("change", () => showFor(select));
    showFor(select);
  }

  function selectText(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection?.removeAllRanges();
    selection?.addRange(range);
  }

  async function copy(button) {
    const source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    const label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    try {
      // Not trimStart: the install one-liner's leading space keeps it out of shell history.
      await navigator.clipboard.writeText(source.textContent.trimEnd());
      button.textContent = "Copied";
    } catch {
      selectText(source);
      button.textContent = "Selected: press Ctrl+C";
    }
    setTimeout(() => {
      button.textContent = label;
    }, 3000);
  }

  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
    button.addEventListener("click", () => copy(button));
  }

  // An inline answer may carry field errors (<template data-field-errors>, one
  // <p data-error-for="name"> each): every message goes next to its field, as a page the server
  // drew after a refusal would show it. Marks from an earlier answer go first.
  function markFields(form, answer) {
    const template = answer.querySelector("template[data-field-errors]");
    const stale = template ? ".field-error" : ".field-error[data-inline-error]";
    for (const message of form.querySelectorAll(stale)) {
      const control = message.closest(".field")?.querySelector("[aria-invalid]");
      control?.removeAttribute("aria-invalid");
      message.closest(".field")?.classList.remove("field-invalid");
      message.remove();
    }
    for (const item of template?.content.querySelectorAll("[data-error-for]") ?? []) {
      const name = item.getAttribute("data-error-for");
      const control = form.elements.namedItem(name);
      const field = control instanceof Element ? control.closest(".field") : null;
      if (!field) continue;
      const message = document.createElement("p");
      message.className = "field-error";
      message.id = `${control.id}-error`;
      message.dataset.testid = `error-${name}`;
      message.dataset.inlineError = "";
      message.textContent = item.textContent;
      field.append(message);
      field.classList.add("field-invalid");
      control.setAttribute("aria-invalid", "true");
      const described = (control.getAttribute("aria-describedby") || "").split(" ");
      if (!described.includes(message.id))
        control.setAttribute("aria-describedby", [...described, message.id].join(" ").trim());
    }
  }

  async function postInline(event) {
    const button = event.target instanceof Element && event.target.closest("[data-inline-result]");
    const target = button && document.getElementById(button.getAttribute("data-inline-result"));
    if (!button?.form || button.disabled || !target) return;
    event.preventDefault();
    button.disabled = true;
    target.textContent = "Working…";
    try {
      // formAction falls back to the page's URL, not the form's action, when the button has none.
      const action = button.hasAttribute("formaction") ? button.formAction : button.form.action;
      const response = await fetch(action, {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-Baton-Inline": "1" },
        body: new URLSearchParams(new FormData(button.form)),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS * 3),
      });
      if (response.ok && response.headers.get("X-Baton-Fragment") === "1") {
        target.innerHTML = await response.text();
        markFields(button.form, target);
      } else {
        target.textContent = `Failed: HTTP ${response.status}; reload the page and try again`;
      }
    } catch {
      target.textContent = "No answer; try again";
    } finally {
      button.disabled = false;
    }
  }

  // Charts (svg[data-readout], worker/dashboard/monitoring/view.tsx): pointing at one, or
  // focusing it and using the arrow keys, Home and End, marks the nearest point and reads it out
  // under the chart ("14:05:30 UTC: 42.5 %"). The choice survives the refresh that redraws it.
  const chartChoices = new Map(); // chart id → the chosen point's time
  function chartPoints(svg) {
    const list = (name) => (svg.getAttribute(name) || "").split(",").filter(Boolean).map(Number);
    const [xs, ys, seconds] = ["x", "y", "s"].map((axis) => list(`data-readout-${axis}`));
    const values = (svg.getAttribute("data-readout-v") || "").split("|");
    const from = Number(svg.getAttribute("data-readout-from"));
    return xs.map((x, i) => ({ x, y: ys[i], at: from + seconds[i] * 1000, value: values[i] }));
  }

  function showPoint(svg, index) {
    const points = chartPoints(svg);
    const chosen = Math.max(0, Math.min(points.length - 1, index));
    const point = points[chosen];
    if (!point) return;
    chartChoices.set(svg.id, point.at);
    svg.dataset.readoutIndex = String(chosen);
    let cursor = svg.querySelector(".cursor");
    if (!cursor) {
      const axis = svg.querySelectorAll(".x-axis line.axis")[1];
      cursor = document.createElementNS("http://www.w3.org/2000/svg", "g");
      cursor.setAttribute("class", "cursor");
      const line = document.createElementNS("http://www.w3.org/2000/svg", "line");
      line.setAttribute("y1", axis?.getAttribute("y1") ?? "0");
      line.setAttribute("y2", axis?.getAttribute("y2") ?? "0");
      const dot = document.createElementNS("http://www.w3.org/2000/svg", "circle");
      dot.setAttribute("r", "4.5");
      cursor.append(line, dot);
      svg.append(cursor);
    }
    const [line, dot] = cursor.children;
    line.setAttribute("x1", point.x);
    line.setAttribute("x2", point.x);
    dot.setAttribute("cx", point.x);
    dot.setAttribute("cy", point.y);
    const readout = document.getElementById(svg.getAttribute("data-readout"));
    if (readout) {
      readout.textContent = `${new Date(point.at).toISOString().slice(11, 19)} UTC: ${point.value}`;
      readout.classList.remove("muted");
    }
  }

  function nearestPoint(points, pick) {
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    points.forEach((point, index) => {
      const distance = Math.abs(pick(point));
      if (distance < bestDistance) [best, bestDistance] = [index, distance];
    });
    return best;
  }

  function chartAt(event) {
    const svg = event.target instanceof Element && event.target.closest("svg[data-readout]");
    if (!svg) return;
    const box = svg.getBoundingClientRect();
    const x = ((event.clientX - box.left) / box.width) * svg.viewBox.baseVal.width;
    showPoint(
      svg,
      nearestPoint(chartPoints(svg), (point) => point.x - x),
    );
  }

  function chartKeys(event) {
    const svg = event.target instanceof Element && event.target.closest("svg[data-readout]");
    if (!svg) return;
    const count = chartPoints(svg).length;
    const current = Number(svg.dataset.readoutIndex ?? count - 1);
    const next = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: count - 1 }[
      event.key
    ];
    if (next === undefined) return;
    event.preventDefault();
    showPoint(svg, next);
  }

  function restoreChartChoices(root) {
    for (const svg of root.querySelectorAll("svg[data-readout]")) {
      const at = chartChoices.get(svg.id);
      if (at !== undefined)
        showPoint(
          svg,
          nearestPoint(chartPoints(svg), (p) => p.at - at),
        );
    }
  }

  // A heartbeat bar's cell (worker/dashboard/overview/heartbeat-bar-view.tsx) gets its time and
  // state as a tooltip when the pointer reaches it: the cells are sent bare to keep refreshes small.
  const BEAT_WORDS = {
    heard: "heard",
    late: "late (silent past half the failover delay)",
    missed: "missed (silent past the failover delay)",
    none: "no data (the control plane was not listening yet)",
  };
  document.addEventListener("pointerover", (event) => {
    const cell = event.target instanceof Element && event.target.closest("[data-beat]");
    const bar = cell?.parentElement;
    if (!cell || cell.title || !bar?.hasAttribute("data-beats-from")) return;
    const index = [...bar.children].indexOf(cell);
    const from = Number(bar.getAttribute("data-beats-from"));
    const at = from + index * Number(bar.getAttribute("data-beat-ms"));
    const state = cell.getAttribute("data-beat");
    cell.title = `${new Date(at).toISOString().slice(11, 19)} UTC: ${BEAT_WORDS[state] ?? state}`;
  });
  document.addEventListener("pointermove", chartAt);
  document.addEventListener("keydown", chartKeys);
  document.addEventListener("focusin", (event) => {
    const svg = event.target instanceof Element && event.target.closest("svg[data-readout]");
    if (svg && !chartChoices.has(svg.id)) showPoint(svg, chartPoints(svg).length - 1);
  });
  document.addEventListener("submit", confirmBeforeSubmit);
  document.addEventListener("click", postInline);
  if (region && !checkDone()) {
    readServerClock(region);
    showHealthInTitle(region);
    timer = setTimeout(refresh, pollMs);
    const now = () => {
      if (!document.hidden) refresh();
    };
    document.addEventListener("visibilitychange", now);
    window.addEventListener("online", now);
    window.addEventListener("pageshow", now);
    window.addEventListener("focus", now);
  }
  setInterval(() => {
    tick();
    // After a sleep a timer chain can be lost; restart it when updates have stalled.
    if (region && !done && !document.hidden && !inFlight && Date.now() - lastSuccessAt > staleMs)
      refresh();
  }, 1000);
  tick();
})();
