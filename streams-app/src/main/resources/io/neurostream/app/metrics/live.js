// neurostream's live page: polls /api/series every second and draws each model's history as SVG line charts.
// Hand-written, no libraries: the page must work with no internet access. Each chart records how many
// points it drew in data-points, so a headless browser (and a test) can check that data arrived; the loss and
// accuracy charts mark each drift detection with a dashed vertical line (their data-markers counts them).
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

// Draws one chart: time on x (the history's span), value on y (the data's range or the chart's fixed one).
// The drawing is as wide as the chart is on screen (in CSS pixels), so its text is never stretched.
function draw(figure, chart, series) {
  const svg = figure.querySelector("svg");
  const W = Math.max(200, Math.round(svg.getBoundingClientRect().width) || 600);
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const time = series.time;
  let lo = Infinity, hi = -Infinity, drawn = 0;
  for (const line of chart.lines) {
    for (const v of series[line.key]) {
      if (v !== null) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    }
  }
  if (chart.min !== undefined) lo = chart.min;
  if (chart.max !== undefined) hi = Math.max(chart.max, hi);
  if (!(hi > lo)) { hi = (isFinite(lo) ? lo : 0) + 1; lo = isFinite(lo) ? lo : 0; }
  const t0 = time[0], t1 = Math.max(time[time.length - 1], t0 + 1);
  const x = (t) => LEFT + (t - t0) / (t1 - t0) * (W - LEFT - RIGHT);
  const y = (v) => TOP + (1 - (v - lo) / (hi - lo)) * (H - TOP - BOTTOM);
  for (let i = 0; i <= 4; i++) {
    const v = lo + (hi - lo) * i / 4;
    svg.appendChild(el("svg:line", { class: "grid", x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v) }));
    svg.appendChild(el("svg:text", { class: "axis", x: LEFT - 4, y: y(v) + 3, "text-anchor": "end" }, formatTick(v, chart.percent)));
  }
  const seconds = Math.round((t1 - t0) / 1000);
  svg.appendChild(el("svg:text", { class: "axis", x: LEFT, y: H - 5 }, `−${seconds} s`));
  svg.appendChild(el("svg:text", { class: "axis", x: W - RIGHT, y: H - 5, "text-anchor": "end" }, "now"));
  for (const line of chart.lines) {
    // A gap (null) ends one polyline; the next finite point starts another.
    let points = [], count = 0;
    const flush = () => {
      if (points.length > 0) svg.appendChild(el("svg:polyline", { points: points.join(" "), stroke: line.color }));
      points = [];
    };
    series[line.key].forEach((v, i) => {
      if (v === null) { flush(); return; }
      points.push(`${x(time[i]).toFixed(1)},${y(v).toFixed(1)}`);
      count++;
    });
    if (points.length === 1) points.push(points[0].replace(/^[^,]+/, (s) => (parseFloat(s) + 2).toFixed(1)));
    flush();
    drawn = Math.max(drawn, count);
  }
  figure.setAttribute("data-points", String(drawn));
  if (chart.markers) {
    // Drift detections since the previous point: a dashed line at that point's time.
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

function render(data) {
  const main = document.getElementById("models");
  const names = Object.keys(data.models);
  document.getElementById("empty").hidden = names.length > 0;
  main.setAttribute("data-models", String(names.length));
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
