// Polls the resource list once a second and streams the chosen resource's console log (server-sent events).
const actionHeader = { "X-Dashboard-Action": "1" };
const table = document.querySelector("#resources tbody");
const connection = document.getElementById("connection");
const logChoice = document.getElementById("log-resource");
const log = document.getElementById("log");
let logStream = null;

function formatUptime(seconds) {
  if (seconds == null) return "";
  const h = Math.floor(seconds / 3600), m = Math.floor(seconds % 3600 / 60), s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h ${m}m` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

function cell(row, className, text) {
  const td = row.insertCell();
  td.className = className;
  td.textContent = text;
  return td;
}

function render(resources) {
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
      const td = cell(errorRow, "error", resource.error);
      td.colSpan = 9;
    }
  }
  const names = resources.map(resource => resource.name);
  if (logChoice.options.length !== names.length) {
    const chosen = logChoice.value;
    logChoice.replaceChildren(...names.map(name => new Option(name, name)));
    if (names.includes(chosen)) logChoice.value = chosen;
    followLog();
  }
}

async function act(name, action, button) {
  button.disabled = true;
  try {
    const response = await fetch(`/api/resources/${encodeURIComponent(name)}/${action}`, { method: "POST", headers: actionHeader });
    if (!response.ok) alert(`${action} ${name}: ${await response.text()}`);
  } finally {
    button.disabled = false;
    refresh();
  }
}

async function refresh() {
  try {
    const response = await fetch("/api/resources");
    render(await response.json());
    connection.textContent = `updated ${new Date().toLocaleTimeString()}`;
  } catch {
    connection.textContent = "AppHost not reachable (stopped?)";
  }
}

function followLog() {
  logStream?.close();
  log.textContent = "";
  if (!logChoice.value) return;
  logStream = new EventSource(`/api/resources/${encodeURIComponent(logChoice.value)}/logs`);
  logStream.onmessage = event => {
    const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
    log.append(event.data + "\n");
    if (atBottom) log.scrollTop = log.scrollHeight;
  };
}

logChoice.onchange = followLog;
refresh();
setInterval(refresh, 1000);
