// neurostream's live page: polls /api/series every second and draws each model's history as SVG line charts,
// and, for a stream read by several models, their accuracy and loss on one chart each, side by side; for a replicated model,
// its rounds over time, the merged model's figures and a row per replica.
// Hand-written, no libraries: the page must work with no internet access. Each chart records how many
// points it drew in data-points (and lines with points in data-lines), so a headless browser (and a test) can check
// that data arrived; the loss and accuracy charts mark each drift detection with a dashed vertical line (their
// data-markers counts them).
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const POLL_MS = 1000;
const H = 180, LEFT = 46, RIGHT = 8, TOP = 8, BOTTOM = 20;

const CHARTS = [
  { id: "loss", title: "Loss", markers: true, lines: [
      { key: "training_loss", label: "last batch", color: "#9aa5b8" },
      { key: "loss_fading", label: "prequential, fading", color: "#d35400" },
      { key: "loss_window", label: "prequential, window", color: "#2c6fbb" } ] },
  { id: "accuracy", title: "Prequential accuracy", min: 0, max: 1, percent: true, markers: true, lines: [
      { key: "accuracy_fading", label: "fading", color: "#d35400" },
      { key: "accuracy_window", label: "window", color: "#2c6fbb" } ] },
  { id: "throughput", title: "Samples per second", min: 0, lines: [
      { key: "samples_per_second", label: "trained + predicted", color: "#2e8b57" } ] },
  { id: "batch", title: "Mean batch time (ms)", min: 0, lines: [
      { key: "batch_ms", label: "predict + train step", color: "#8e44ad" } ] },
];

const COUNTERS = [
  { key: "trained", label: "trained" },
  { key: "predicted", label: "predicted only" },
  { key: "dead_lettered", label: "dead-lettered", bad: true },
  { key: "skipped_steps", label: "skipped steps", bad: true },
  { key: "step", label: "model step" },
  { key: "drift_detected", label: "drift detections", bad: true },
  { key: "learning_rate", label: "learning rate" },
];

function el(tag, attrs, text) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatNumber(v) {
  if (v === null || v === undefined) return "–";
  if (Number.isInteger(v)) return v.toLocaleString("en");
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.001 || a >= 1e6)) return v.toExponential(2);
  return v.toPrecision(4);
}

// Axis labels: three significant digits, no trailing zeros.
function formatTick(v, percent) {
  if (percent) return `${Math.round(v * 100)}%`;
  const a = Math.abs(v);
  if (a !== 0 && (a < 0.001 || a >= 1e5)) return v.toExponential(1);
  return String(parseFloat(v.toPrecision(3)));
}

function modelSection(name) {
  const section = el("section", { class: "model", "data-model": name });
  section.appendChild(el("h2", {}, name));
  const charts = el("div", { class: "charts" });
  for (const chart of CHARTS) {
    const figure = el("figure", { class: "chart", "data-chart": chart.id, "data-points": "0" });
    if (chart.markers) figure.setAttribute("data-markers", "0");
    figure.appendChild(el("figcaption", {}, chart.title));
    figure.appendChild(el("svg:svg", { viewBox: `0 0 600 ${H}` }));
    const legend = el("div", { class: "legend" });
    for (const line of chart.lines) {
      const item = el("span");
      item.appendChild(el("i", { style: `background:${line.color}` }));
      item.appendChild(document.createTextNode(line.label));
      legend.appendChild(item);
    }
    figure.appendChild(legend);
    charts.appendChild(figure);
  }
  section.appendChild(charts);
  const counters = el("dl", { class: "counters" });
  for (const c of COUNTERS) {
    const item = el("div");
    item.appendChild(el("dt", {}, c.label));
    item.appendChild(el("dd", { "data-counter": c.key }, "–"));
    counters.appendChild(item);
  }
  section.appendChild(counters);
  return section;
}

// Draws lines of (x, y) points on a chart's SVG, y over the data's range (or the chart's fixed one), x over the lines' span;
// a null y ends one polyline and the next value starts another. The drawing is as wide as the chart is on screen (in CSS
// pixels), so its text is never stretched. Records the most points of a line in data-points and the lines with a point in
// data-lines; returns the x scale (for markers).
function plot(figure, chart, lines, xLabels) {
  const svg = figure.querySelector("svg");
  const W = Math.max(200, Math.round(svg.getBoundingClientRect().width) || 600);
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  let lo = Infinity, hi = -Infinity, x0 = Infinity, x1 = -Infinity;
  for (const line of lines) {
    line.ys.forEach((v, i) => {
      if (line.xs[i] !== null) { x0 = Math.min(x0, line.xs[i]); x1 = Math.max(x1, line.xs[i]); }
      if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    });
  }
  if (chart.min !== undefined) lo = chart.min;
  if (chart.max !== undefined) hi = Math.max(chart.max, hi);
  if (!(hi > lo)) { hi = (isFinite(lo) ? lo : 0) + 1; lo = isFinite(lo) ? lo : 0; }
  if (!isFinite(x0)) { x0 = 0; x1 = 1; }
  x1 = Math.max(x1, x0 + 1);
  const x = (t) => LEFT + (t - x0) / (x1 - x0) * (W - LEFT - RIGHT);
  const y = (v) => TOP + (1 - (v - lo) / (hi - lo)) * (H - TOP - BOTTOM);
  for (let i = 0; i <= 4; i++) {
    const v = lo + (hi - lo) * i / 4;
    svg.appendChild(el("svg:line", { class: "grid", x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v) }));
    svg.appendChild(el("svg:text", { class: "axis", x: LEFT - 4, y: y(v) + 3, "text-anchor": "end" }, formatTick(v, chart.percent)));
  }
  const [first, last] = xLabels(x0, x1);
  svg.appendChild(el("svg:text", { class: "axis", x: LEFT, y: H - 5 }, first));
  svg.appendChild(el("svg:text", { class: "axis", x: W - RIGHT, y: H - 5, "text-anchor": "end" }, last));
  let drawn = 0, withPoints = 0;
  for (const line of lines) {
    let points = [], count = 0;
    const flush = () => {
      if (points.length > 0) svg.appendChild(el("svg:polyline", { points: points.join(" "), stroke: line.color }));
      points = [];
    };
    line.ys.forEach((v, i) => {
      if (v === null || line.xs[i] === null) { flush(); return; }
      points.push(`${x(line.xs[i]).toFixed(1)},${y(v).toFixed(1)}`);
      count++;
    });
    if (points.length === 1) points.push(points[0].replace(/^[^,]+/, (s) => (parseFloat(s) + 2).toFixed(1)));
    flush();
    drawn = Math.max(drawn, count);
    if (count > 0) withPoints++;
  }
  figure.setAttribute("data-points", String(drawn));
  figure.setAttribute("data-lines", String(withPoints));
  return x;
}

// Draws one chart of a model: time on x (the history's span), with its drift markers.
function draw(figure, chart, series) {
  const time = series.time;
  const lines = chart.lines.map((line) => ({ xs: time, ys: series[line.key], color: line.color }));
  const x = plot(figure, chart, lines, (t0, t1) => [`−${Math.round((t1 - t0) / 1000)} s`, "now"]);
  if (chart.markers) {
    // Drift detections since the previous point: a dashed line at that point's time.
    const svg = figure.querySelector("svg");
    let markers = 0;
    series.drift.forEach((n, i) => {
      if (!(n > 0)) return;
      const line = el("svg:line", { class: "drift", x1: x(time[i]), x2: x(time[i]), y1: TOP, y2: H - BOTTOM });
      line.appendChild(el("svg:title", {}, `drift detected${n > 1 ? ` (${n})` : ""}`));
      svg.appendChild(line);
      markers++;
    });
    figure.setAttribute("data-markers", String(markers));
  }
}

// A stream read by several models: one chart per figure with a line per model, over the samples of the stream each has taken
// (so the lines compare the models after the same samples), and a table of their current figures.
const SIDE_CHARTS = [
  { id: "side-accuracy", title: "Prequential accuracy (window)", key: "accuracy_window", min: 0, max: 1, percent: true },
  { id: "side-loss", title: "Prequential loss (window)", key: "loss_window" },
];
const SIDE_FIGURES = [
  { key: "accuracy", label: "accuracy (window)", value: (m) => latest(m.accuracy_window), percent: true },
  { key: "loss", label: "loss (window)", value: (m) => latest(m.loss_window) },
  { key: "samples", label: "samples", value: (m) => m.counters.samples },
  { key: "step", label: "model step", value: (m) => m.counters.step },
];
const MODEL_COLORS = ["#2c6fbb", "#d35400", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d"];

function latest(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}

function streamSection(stream, models) {
  const section = el("section", { class: "model stream", "data-stream": stream, "data-stream-models": models.join(" ") });
  section.appendChild(el("h2", {}, `stream ${stream}: ${models.length} models side by side`));
  const legend = el("div", { class: "legend" });
  models.forEach((model, i) => {
    const item = el("span");
    item.appendChild(el("i", { style: `background:${MODEL_COLORS[i % MODEL_COLORS.length]}` }));
    item.appendChild(document.createTextNode(model));
    legend.appendChild(item);
  });
  const charts = el("div", { class: "charts" });
  for (const chart of SIDE_CHARTS) {
    const figure = el("figure", { class: "chart", "data-chart": chart.id, "data-points": "0", "data-lines": "0" });
    figure.appendChild(el("figcaption", {}, chart.title));
    figure.appendChild(el("svg:svg", { viewBox: `0 0 600 ${H}` }));
    figure.appendChild(legend.cloneNode(true));
    charts.appendChild(figure);
  }
  section.appendChild(charts);
  const table = el("table", { class: "figures" });
  const head = el("tr");
  head.appendChild(el("th", {}, "model"));
  for (const f of SIDE_FIGURES) head.appendChild(el("th", {}, f.label));
  table.appendChild(el("thead")).appendChild(head);
  const body = table.appendChild(el("tbody"));
  models.forEach((model, i) => {
    const row = el("tr", { "data-model": model });
    const name = el("td");
    name.appendChild(el("i", { style: `background:${MODEL_COLORS[i % MODEL_COLORS.length]}` }));
    name.appendChild(document.createTextNode(model));
    row.appendChild(name);
    for (const f of SIDE_FIGURES) row.appendChild(el("td", { "data-figure": f.key }, "–"));
    body.appendChild(row);
  });
  section.appendChild(table);
  return section;
}

// The streams read by more than one model, each drawn once above the models' own cards; a stream whose models change is redrawn.
function renderStreams(data) {
  const container = document.getElementById("streams");
  const shared = Object.entries(data.streams || {}).filter(([, models]) => models.length > 1);
  container.setAttribute("data-streams", String(shared.length));
  const kept = new Set();
  for (const [stream, models] of shared) {
    let section = container.querySelector(`section[data-stream="${CSS.escape(stream)}"]`);
    if (section && section.getAttribute("data-stream-models") !== models.join(" ")) { section.remove(); section = null; }
    if (!section) { section = streamSection(stream, models); container.appendChild(section); }
    kept.add(section);
    for (const chart of SIDE_CHARTS) {
      const lines = models.map((model, i) => ({
        xs: data.models[model].samples, ys: data.models[model][chart.key], color: MODEL_COLORS[i % MODEL_COLORS.length] }));
      plot(section.querySelector(`figure[data-chart="${chart.id}"]`), chart, lines,
          (s0, s1) => [`${formatNumber(Math.round(s0))}`, `${formatNumber(Math.round(s1))} samples`]);
    }
    for (const model of models) {
      const row = section.querySelector(`tr[data-model="${CSS.escape(model)}"]`);
      for (const f of SIDE_FIGURES) {
        const v = f.value(data.models[model]);
        row.querySelector(`td[data-figure="${f.key}"]`).textContent =
            f.percent && v !== null && v !== undefined ? `${(v * 100).toFixed(1)}%` : formatNumber(v);
      }
    }
  }
  for (const section of Array.from(container.children)) if (!kept.has(section)) section.remove();
}

// A replicated model NAME (its replicas NAME#s keep their own cards below): the merged model's figures, its rounds over time
// (newest round, and the mean wait of the rounds applied in each interval) and a row per replica.
const ROUND_CHARTS = [
  { id: "rounds", title: "Sync round", min: 0, lines: [ { key: "round", label: "newest round", color: "#2c6fbb" } ] },
  { id: "round-wait", title: "Round wait (ms, mean per interval)", min: 0, lines: [ { key: "wait_ms", label: "contribution → decision", color: "#d35400" } ] },
];
const MERGED = [
  { key: "round", label: "round" },
  { key: "samples", label: "samples (all replicas)" },
  { key: "accuracy_window", label: "accuracy (window, weighted)", percent: true },
  { key: "loss_window", label: "loss (window, weighted)" },
  { key: "sync_bytes_out", label: "bytes synced" },
  { key: "closed_by_timeout", label: "rounds closed by timeout", bad: true },
];
const SHARD_FIGURES = [
  { key: "round", label: "round" },
  { key: "samples", label: "samples" },
  { key: "accuracy_window", label: "accuracy (window)", percent: true },
  { key: "loss_window", label: "loss (window)" },
  { key: "current", label: "in newest round" },
  { key: "last_wait_ms", label: "last wait (ms)" },
  { key: "bytes_out", label: "bytes out" },
];

function figureText(v, percent) {
  if (v === true) return "yes";
  if (v === false) return "no";
  return percent && v !== null && v !== undefined ? `${(v * 100).toFixed(1)}%` : formatNumber(v);
}

function replicatedSection(name) {
  const section = el("section", { class: "model replicated", "data-replicated": name });
  section.appendChild(el("h2", {}, name));
  const charts = el("div", { class: "charts" });
  for (const chart of ROUND_CHARTS) {
    const figure = el("figure", { class: "chart", "data-chart": chart.id, "data-points": "0" });
    figure.appendChild(el("figcaption", {}, chart.title));
    figure.appendChild(el("svg:svg", { viewBox: `0 0 600 ${H}` }));
    charts.appendChild(figure);
  }
  section.appendChild(charts);
  const merged = el("dl", { class: "counters" });
  for (const f of MERGED) {
    const item = el("div");
    item.appendChild(el("dt", {}, f.label));
    item.appendChild(el("dd", { "data-merged": f.key }, "–"));
    merged.appendChild(item);
  }
  section.appendChild(merged);
  const table = el("table", { class: "figures" });
  const head = el("tr");
  head.appendChild(el("th", {}, "replica"));
  for (const f of SHARD_FIGURES) head.appendChild(el("th", {}, f.label));
  table.appendChild(el("thead")).appendChild(head);
  table.appendChild(el("tbody"));
  section.appendChild(table);
  return section;
}

function renderReplicas(data) {
  const container = document.getElementById("replicas");
  const replicated = Object.entries(data.replicas || {});
  container.setAttribute("data-replicated", String(replicated.length));
  const kept = new Set();
  for (const [name, model] of replicated) {
    let section = container.querySelector(`section[data-replicated="${CSS.escape(name)}"]`);
    if (!section) { section = replicatedSection(name); container.appendChild(section); }
    kept.add(section);
    section.querySelector("h2").textContent = `${name}: ${model.replicas} replicas, ${formatNumber(model.alive)} in the last decided round`;
    for (const chart of ROUND_CHARTS) draw(section.querySelector(`figure[data-chart="${chart.id}"]`), chart, model);
    for (const f of MERGED) {
      const dd = section.querySelector(`dd[data-merged="${f.key}"]`);
      const v = model.merged[f.key];
      dd.textContent = figureText(v, f.percent);
      dd.classList.toggle("bad", Boolean(f.bad && v > 0));
    }
    const body = section.querySelector("tbody");
    body.replaceChildren();
    for (const shard of model.shards) {
      const row = el("tr", { "data-shard": String(shard.shard) });
      row.appendChild(el("td", {}, shard.model));
      for (const f of SHARD_FIGURES) row.appendChild(el("td", { "data-figure": f.key }, figureText(shard[f.key], f.percent)));
      row.classList.toggle("behind", !shard.current);
      body.appendChild(row);
    }
  }
  for (const section of Array.from(container.children)) if (!kept.has(section)) section.remove();
}

function render(data) {
  const main = document.getElementById("models");
  const names = Object.keys(data.models);
  document.getElementById("empty").hidden = names.length > 0;
  main.setAttribute("data-models", String(names.length));
  renderStreams(data);
  renderReplicas(data);
  for (const name of names) {
    let section = main.querySelector(`section[data-model="${CSS.escape(name)}"]`);
    if (!section) { section = modelSection(name); main.appendChild(section); }
    const series = data.models[name];
    for (const chart of CHARTS) draw(section.querySelector(`figure[data-chart="${chart.id}"]`), chart, series);
    for (const c of COUNTERS) {
      const dd = section.querySelector(`dd[data-counter="${c.key}"]`);
      const v = series.counters[c.key];
      dd.textContent = formatNumber(v);
      dd.classList.toggle("bad", Boolean(c.bad && v > 0));
    }
  }
  document.getElementById("updated").textContent = "updated " + new Date().toLocaleTimeString("en-GB");
}

async function poll() {
  try {
    const [series, health] = await Promise.all([fetch("/api/series"), fetch("/health")]);
    render(await series.json());
    const state = await health.json();
    const badge = document.getElementById("health");
    badge.setAttribute("data-state", state.status);
    badge.textContent = state.state;
  } catch (e) {
    document.getElementById("updated").textContent = "cannot reach the app: " + e.message;
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

poll();
