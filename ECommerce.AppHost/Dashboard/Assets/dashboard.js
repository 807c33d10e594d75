// One page, four tabs. Resources refresh every second; the structured-log and trace views refresh
// every two seconds while shown; the console log of the chosen resource streams (server-sent events).
const actionHeader = { "X-Dashboard-Action": "1" };
const connection = document.getElementById("connection");
const logChoice = document.getElementById("log-resource");
const consoleLog = document.getElementById("log");
const logFilter = document.getElementById("log-filter");
const traceFilter = document.getElementById("trace-filter");
const waterfall = document.getElementById("waterfall");
let logStream = null;

// ---- tabs
function showTab() {
  const tab = location.hash.slice(1) || "resources";
  for (const panel of document.querySelectorAll("[data-panel]")) panel.hidden = panel.id !== tab;
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("active", link.dataset.tab === tab);
  refreshTelemetry();
}
window.addEventListener("hashchange", showTab);

// ---- helpers
function cell(row, className, text) {
  const td = row.insertCell();
  td.className = className;
  td.textContent = text;
  return td;
}

function formatUptime(seconds) {
  if (seconds == null) return "";
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

const time = iso => new Date(iso).toLocaleTimeString(undefined, { hour12: false, fractionalSecondDigits: 3 });

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function fillServices(select, services) {
  const chosen = select.value;
  const names = ["", ...services];
  if (select.options.length === names.length) return;
  select.replaceChildren(...names.map(name => new Option(name || "all", name)));
  select.value = names.includes(chosen) ? chosen : "";
}

// ---- resources
function renderResources(resources) {
  const table = document.querySelector("#resource-table tbody");
  table.replaceChildren();
  for (const resource of resources) {
    const row = table.insertRow();
    row.dataset.resource = resource.name;
    cell(row, "name", resource.name);
    cell(row, "kind", resource.kind);
    cell(row, `state state-${resource.state}`, resource.state);
    cell(row, `health health-${resource.health}`, resource.health);
    const endpoints = cell(row, "endpoints", "");
    for (const endpoint of resource.endpoints) {
      const line = document.createElement("div");
      const link = document.createElement(endpoint.url.startsWith("http") ? "a" : "span");
      link.textContent = `${endpoint.name}: ${endpoint.url}`;
      if (link.tagName === "A") { link.href = endpoint.url; link.target = "_blank"; }
      line.append(link);
      endpoints.append(line);
    }
    cell(row, "pid", resource.processId ?? "");
    cell(row, "restarts", resource.restarts);
    cell(row, "uptime", formatUptime(resource.uptimeSeconds));
    const actions = cell(row, "actions", "");
    if (resource.canStop) {
      for (const action of ["stop", "start", "restart"]) {
        const button = document.createElement("button");
        button.textContent = action;
        button.dataset.action = action;
        button.onclick = () => act(resource.name, action, button);
        actions.append(button);
      }
    }
    if (resource.error) {
      const errorRow = table.insertRow();
      errorRow.dataset.errorFor = resource.name;
      cell(errorRow, "error", resource.error).colSpan = 9;
    }
  }
  const names = resources.map(resource => resource.name);
  if (logChoice.options.length !== names.length) {
    const chosen = logChoice.value;
    logChoice.replaceChildren(...names.map(name => new Option(name, name)));
    if (names.includes(chosen)) logChoice.value = chosen;
    followConsoleLog();
  }
}

async function act(name, action, button) {
  button.disabled = true;
  try {
    const response = await fetch(`/api/resources/${encodeURIComponent(name)}/${action}`, { method: "POST", headers: actionHeader });
    if (!response.ok) alert(`${action} ${name}: ${await response.text()}`);
  } finally {
    button.disabled = false;
    refreshResources();
  }
}

async function refreshResources() {
  try {
    renderResources(await getJson("/api/resources"));
    connection.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch {
    connection.textContent = "AppHost not reachable (stopped?)";
  }
}

// ---- console logs
function followConsoleLog() {
  logStream?.close();
  consoleLog.textContent = "";
  if (!logChoice.value) return;
  logStream = new EventSource(`/api/resources/${encodeURIComponent(logChoice.value)}/logs`);
  logStream.onmessage = event => {
    const atBottom = consoleLog.scrollTop + consoleLog.clientHeight >= consoleLog.scrollHeight - 4;
    consoleLog.append(event.data + "\n");
    if (atBottom) consoleLog.scrollTop = consoleLog.scrollHeight;
  };
}
logChoice.onchange = followConsoleLog;

// ---- structured logs
function showLogsOfTrace(traceId) {
  logFilter.traceId.value = traceId;
  location.hash = "#logs";
  refreshTelemetry();
}

async function refreshLogs() {
  const query = new URLSearchParams(new FormData(logFilter));
  const logs = await getJson(`/api/logs?${query}`);
  const table = document.querySelector("#log-table tbody");
  table.replaceChildren();
  for (const log of logs) {
    const row = table.insertRow();
    row.dataset.service = log.service;
    cell(row, "time", time(log.time));
    cell(row, "service", log.instance && log.instance !== log.service ? `${log.service} (${log.instance})` : log.service);
    cell(row, `level level-${log.level}`, log.level);
    cell(row, "category", log.category);
    cell(row, "message", log.message);
    const trace = cell(row, "trace", "");
    if (log.traceId) {
      const link = document.createElement("a");
      link.className = "trace";
      link.textContent = log.traceId.slice(0, 8);
      link.title = log.traceId;
      link.onclick = () => showTrace(log.traceId);
      trace.append(link);
    }
  }
}

// ---- traces
async function refreshTraces() {
  const query = new URLSearchParams(new FormData(traceFilter));
  const traces = await getJson(`/api/traces?${query}&limit=100`);
  const table = document.querySelector("#trace-table tbody");
  table.replaceChildren();
  for (const trace of traces) {
    const row = table.insertRow();
    row.dataset.traceId = trace.traceId;
    if (trace.hasError) row.className = "error";
    cell(row, "time", time(trace.start));
    cell(row, "name", trace.name);
    cell(row, "services", trace.services.join(", "));
    cell(row, "spans", trace.spans);
    cell(row, "duration", `${trace.durationMs.toFixed(1)} ms`);
    row.onclick = () => showTrace(trace.traceId);
  }
}

// A waterfall: one bar per span, placed on the trace's timeline, indented under its parent.
async function showTrace(traceId) {
  location.hash = "#traces";
  const spans = await getJson(`/api/traces/${traceId}`);
  const start = Math.min(...spans.map(span => Date.parse(span.start)));
  const end = Math.max(...spans.map(span => Date.parse(span.start) + span.durationMs));
  const total = Math.max(end - start, 1);
  const byId = new Map(spans.map(span => [span.spanId, span]));
  const depth = span => {
    let level = 0;
    for (let parent = byId.get(span.parentSpanId); parent && level < 32; parent = byId.get(parent.parentSpanId)) level++;
    return level;
  };
  const heading = document.createElement("h3");
  heading.textContent = `Trace ${traceId} `;
  const logsLink = document.createElement("a");
  logsLink.className = "trace";
  logsLink.textContent = "(its logs)";
  logsLink.onclick = () => showLogsOfTrace(traceId);
  heading.append(logsLink);
  const rows = spans.map(span => {
    const row = document.createElement("div");
    row.className = "span-row" + (span.status === "Error" ? " error" : "");
    row.dataset.spanId = span.spanId;
    const label = document.createElement("div");
    label.style.paddingLeft = `${depth(span)}rem`;
    label.textContent = `${span.service}: ${span.name} (${span.kind})`;
    label.title = Object.entries(span.attributes).map(([key, value]) => `${key}=${value}`).join("\n");
    const bar = document.createElement("div");
    bar.className = "span-bar";
    const fill = document.createElement("div");
    fill.style.left = `${(Date.parse(span.start) - start) / total * 100}%`;
    fill.style.width = `${span.durationMs / total * 100}%`;
    bar.append(fill);
    const duration = document.createElement("div");
    duration.textContent = `${span.durationMs.toFixed(1)} ms`;
    row.append(label, bar, duration);
    return row;
  });
  waterfall.replaceChildren(heading, ...rows);
}

async function refreshTelemetry() {
  const tab = location.hash.slice(1);
  if (tab !== "logs" && tab !== "traces") return;
  try {
    const services = await getJson("/api/telemetry/services");
    fillServices(logFilter.service, services);
    fillServices(traceFilter.service, services);
    await (tab === "logs" ? refreshLogs() : refreshTraces());
  } catch {
    connection.textContent = "AppHost not reachable (stopped?)";
  }
}
logFilter.onchange = refreshTelemetry;
logFilter.onsubmit = event => { event.preventDefault(); refreshTelemetry(); };
traceFilter.onchange = refreshTelemetry;

showTab();
refreshResources();
setInterval(refreshResources, 1000);
setInterval(refreshTelemetry, 2000);
