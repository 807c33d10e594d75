// One page, five tabs. Resources refresh every second; the structured-log, trace and metrics views
// refresh every two seconds while shown; the console log of the chosen resource streams (server-sent events).
const actionHeader = { "X-Dashboard-Action": "1" };
const connection = document.getElementById("connection");
const logChoice = document.getElementById("log-resource");
const consoleLog = document.getElementById("log");
const logFilter = document.getElementById("log-filter");
const traceFilter = document.getElementById("trace-filter");
const waterfall = document.getElementById("waterfall");
const metricFilter = document.getElementById("metric-filter");
const metricCharts = document.getElementById("metric-charts");
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

// ---- metrics
// The request-duration histograms are always charted (requests/s and p50/p95 latency); a click on
// any other instrument charts it too.
const durationInstruments = ["http.server.request.duration", "rpc.server.duration"];
let chosenInstrument = null;
const svgNs = "http://www.w3.org/2000/svg";

function formatNumber(value) {
  if (value == null) return "–";
  const size = Math.abs(value);
  if (size >= 1e9) return `${(value / 1e9).toFixed(2)} G`;
  if (size >= 1e6) return `${(value / 1e6).toFixed(2)} M`;
  if (size >= 1000 || Number.isInteger(value)) return value.toFixed(0);
  if (size >= 10) return value.toFixed(1);
  return Number(value.toPrecision(3)).toString();
}

// Latencies in seconds read better in milliseconds.
function latencyScale(unit) {
  return unit === "s" ? { factor: 1000, unit: "ms" } : { factor: 1, unit: unit || "" };
}

function fillMetricServices(services) {
  const select = metricFilter.service;
  if (select.options.length === services.length && [...select.options].every((option, i) => option.value === services[i])) return;
  const chosen = select.value || (services.includes("gateway") ? "gateway" : services[0]);
  select.replaceChildren(...services.map(name => new Option(name, name)));
  if (chosen) select.value = chosen;
}

function svg(name, attributes = {}) {
  const element = document.createElementNS(svgNs, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  return element;
}

// One small line chart: lines = [{ name, values: [number|null] }] over the same bins; a gap where null.
function lineChart(kind, caption, lines, minutes) {
  const width = 352, height = 128, left = 40, right = 6, top = 8, bottom = 16;
  const count = Math.max(...lines.map(line => line.values.length), 2);
  const all = lines.flatMap(line => line.values).filter(value => value != null);
  const max = all.length ? Math.max(...all) * 1.1 || 1 : 1;
  const x = i => left + (width - left - right) * i / (count - 1);
  const y = value => top + (height - top - bottom) * (1 - value / max);
  const figure = document.createElement("figure");
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, "data-chart": kind, role: "img" });
  chart.append(
    svg("line", { x1: left, x2: width - right, y1: y(0), y2: y(0) }),
    svg("line", { x1: left, x2: width - right, y1: y(max), y2: y(max) }),
    Object.assign(svg("text", { x: left - 4, y: y(max) + 3, "text-anchor": "end" }), { textContent: formatNumber(max) }),
    Object.assign(svg("text", { x: left - 4, y: y(0) + 3, "text-anchor": "end" }), { textContent: "0" }),
    Object.assign(svg("text", { x: left, y: height - 3 }), { textContent: `−${minutes} min` }),
    Object.assign(svg("text", { x: width - right, y: height - 3, "text-anchor": "end" }), { textContent: "now" }));
  for (const line of lines) {
    let d = "", drawing = false;
    line.values.forEach((value, i) => {
      if (value == null) { drawing = false; return; }
      d += `${drawing ? "L" : "M"}${x(i).toFixed(1)},${y(value).toFixed(1)} `;
      drawing = true;
    });
    if (d) chart.append(svg("path", { d: d.trim(), class: line.name, "data-series": line.name }));
    // A lone point would not show as a line: mark each point that has no neighbour.
    line.values.forEach((value, i) => {
      if (value != null && line.values[i - 1] == null && line.values[i + 1] == null) {
        chart.append(svg("circle", { cx: x(i), cy: y(value), r: 2, class: line.name, fill: "currentColor", "data-series": line.name }));
      }
    });
  }
  const legend = document.createElement("figcaption");
  legend.textContent = caption;
  figure.append(chart, legend);
  return figure;
}

function instrumentChart(metric, minutes) {
  const box = document.createElement("div");
  box.className = "chart";
  box.dataset.instrument = metric.name;
  const heading = document.createElement("h3");
  heading.textContent = `${metric.name}${metric.description ? ` — ${metric.description}` : ""}`;
  const plots = document.createElement("div");
  plots.className = "plots";
  const bins = metric.timeline;
  if (metric.kind === "Histogram" || metric.kind === "ExponentialHistogram") {
    const scale = latencyScale(metric.unit);
    plots.append(lineChart("rate", "per second", [{ name: "rate", values: bins.map(bin => bin.rate) }], minutes));
    if (metric.kind === "Histogram") {
      plots.append(lineChart("latency", `p50 (green) and p95 (red), ${scale.unit}`, [
        { name: "p50", values: bins.map(bin => bin.p50 == null ? null : bin.p50 * scale.factor) },
        { name: "p95", values: bins.map(bin => bin.p95 == null ? null : bin.p95 * scale.factor) },
      ], minutes));
    }
  } else if (metric.monotonic) {
    plots.append(lineChart("rate", `${metric.unit || ""} per second`.trim(), [{ name: "rate", values: bins.map(bin => bin.rate) }], minutes));
  } else {
    plots.append(lineChart("value", metric.unit || "value", [{ name: "value", values: bins.map(bin => bin.value) }], minutes));
  }
  box.append(heading, plots);
  return box;
}

function renderInstruments(instruments) {
  const table = document.querySelector("#metric-table tbody");
  table.replaceChildren();
  for (const instrument of instruments) {
    const row = table.insertRow();
    row.dataset.instrument = instrument.name;
    if (instrument.name === chosenInstrument) row.className = "chosen";
    const histogram = instrument.kind === "Histogram" || instrument.kind === "ExponentialHistogram";
    const scale = histogram ? latencyScale(instrument.unit) : { factor: 1, unit: instrument.unit };
    cell(row, "name", instrument.name).title = instrument.description;
    cell(row, "kind", instrument.kind + (instrument.kind === "Sum" && !instrument.monotonic ? " (up/down)" : ""));
    cell(row, "unit", histogram ? scale.unit : instrument.unit);
    cell(row, "number value", histogram ? `${formatNumber(instrument.value)} measured` : formatNumber(instrument.value));
    cell(row, "number rate", instrument.rate == null ? "" : formatNumber(instrument.rate));
    cell(row, "number p50", instrument.p50 == null ? "" : formatNumber(instrument.p50 * scale.factor));
    cell(row, "number p95", instrument.p95 == null ? "" : formatNumber(instrument.p95 * scale.factor));
    cell(row, "number series", instrument.series);
    row.onclick = () => { chosenInstrument = chosenInstrument === instrument.name ? null : instrument.name; refreshTelemetry(); };
  }
}

async function refreshMetrics() {
  const service = metricFilter.service.value;
  if (!service) {
    metricCharts.replaceChildren(Object.assign(document.createElement("p"), { className: "empty", textContent: "No service has sent metrics yet." }));
    return;
  }
  const minutes = Number(metricFilter.minutes.value);
  const step = Math.max(5, minutes);
  const instruments = await getJson(`/api/metrics/instruments?service=${encodeURIComponent(service)}`);
  if (chosenInstrument && !instruments.some(instrument => instrument.name === chosenInstrument)) chosenInstrument = null;
  const charted = durationInstruments.filter(name => instruments.some(instrument => instrument.name === name));
  if (chosenInstrument && !charted.includes(chosenInstrument)) charted.push(chosenInstrument);
  const metrics = await Promise.all(charted.map(name =>
    getJson(`/api/metrics?service=${encodeURIComponent(service)}&name=${encodeURIComponent(name)}&minutes=${minutes}&step=${step}`)));
  if (metricFilter.service.value !== service) return; // the choice changed meanwhile
  metricCharts.replaceChildren(...metrics.map(metric => instrumentChart(metric, minutes)));
  renderInstruments(instruments);
}

async function showReceivers() {
  try {
    const receivers = await getJson("/api/telemetry/receivers");
    document.getElementById("receivers").textContent = `OTLP/HTTP ${receivers.otlpHttp} · OTLP/gRPC ${receivers.otlpGrpc}`;
  } catch {
    // shown again on the next load
  }
}

async function refreshTelemetry() {
  const tab = location.hash.slice(1);
  if (tab !== "logs" && tab !== "traces" && tab !== "metrics") return;
  try {
    const services = await getJson("/api/telemetry/services");
    fillServices(logFilter.service, services);
    fillServices(traceFilter.service, services);
    fillMetricServices(services);
    await (tab === "logs" ? refreshLogs() : tab === "traces" ? refreshTraces() : refreshMetrics());
  } catch {
    connection.textContent = "AppHost not reachable (stopped?)";
  }
}
logFilter.onchange = refreshTelemetry;
logFilter.onsubmit = event => { event.preventDefault(); refreshTelemetry(); };
traceFilter.onchange = refreshTelemetry;
metricFilter.onchange = event => { if (event.target.name === "service") chosenInstrument = null; refreshTelemetry(); };
metricFilter.onsubmit = event => { event.preventDefault(); refreshTelemetry(); };

showTab();
showReceivers();
refreshResources();
setInterval(refreshResources, 1000);
setInterval(refreshTelemetry, 2000);
