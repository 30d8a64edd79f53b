// The web dashboard: the window's panels, drawn with Chart.js from GET /api/dashboard.
// It polls that snapshot with If-None-Match (the service answers 304 until its data
// changes) and redraws in place; the token, when the service needs one, stays in this
// tab's sessionStorage and travels only in the Authorization header.
'use strict';

(() => {
  const pollMs = 2000;
  const tokenKey = 'ghmonitor-token';
  const state = { minutes: 60, at: null, repository: '', etag: null, timer: null, names: '' };
  const $ = (id) => document.getElementById(id);
  const charts = {};

  // ---- Talking to the service -------------------------------------------------------

  async function api(path, etag) {
    const headers = {};
    const token = sessionStorage.getItem(tokenKey);
    if (token) headers.Authorization = `Bearer ${token}`;
    if (etag) headers['If-None-Match'] = etag;
    return fetch(path, { headers, cache: 'no-store' });
  }

  function snapshotPath() {
    const query = new URLSearchParams({ window: String(state.minutes) });
    if (state.at) query.set('at', state.at);
    if (state.repository) query.set('repository', state.repository);
    return `/api/dashboard?${query}`;
  }

  async function refresh() {
    clearTimeout(state.timer);
    let response;
    try {
      response = await api(snapshotPath(), state.etag);
    } catch (error) {
      showError('The service is unreachable; trying again every few seconds.');
      return schedule();
    }
    if (response.status === 401) return showSignIn();
    if (response.status === 304) {
      showStatus();
      return schedule();
    }
    if (!response.ok) {
      const body = await response.json().catch(() => ({}));
      showError(body.error ? `The service answered ${response.status}: ${body.error}`
                           : `The service answered ${response.status}.`);
      return schedule();
    }
    state.etag = response.headers.get('ETag');
    const data = await response.json();
    $('error').hidden = true;
    $('signin').hidden = true;
    $('panels').hidden = false;
    draw(data);
    showStatus();
    schedule();
  }

  function schedule() {
    clearTimeout(state.timer);
    state.timer = setTimeout(refresh, pollMs);
  }

  // A new window or repository: asked for at once, whatever the service holds.
  function reload() {
    state.etag = null;
    refresh();
  }

  function showStatus() {
    $('status').textContent = `Updated ${new Date().toLocaleTimeString()}`;
  }

  function showError(message) {
    $('error').textContent = message;
    $('error').hidden = false;
    $('status').textContent = 'Not updating';
  }

  function showSignIn() {
    $('signin').hidden = false;
    $('panels').hidden = true;
    $('error').hidden = true;
    $('status').textContent = 'Signed out';
    const stale = sessionStorage.getItem(tokenKey);
    $('signin-error').hidden = !stale;
    $('signin-error').textContent = stale ? 'The service refused this token.' : '';
    sessionStorage.removeItem(tokenKey);
    $('token').focus();
  }

  // ---- Formatting --------------------------------------------------------------------

  const typeName = (type) => (type.endsWith('Event') ? type.slice(0, -5) : type);
  const number = (value) => value.toLocaleString();

  function duration(seconds) {
    if (seconds < 90) return `${Math.round(seconds)} s`;
    if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
    if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
    return `${(seconds / 86400).toFixed(1)} days`;
  }

  function timeLabel(ms, spanSeconds) {
    const options = spanSeconds > 2 * 86400 ? { month: 'short', day: 'numeric' }
      : spanSeconds > 86400 ? { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }
        : spanSeconds <= 600 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
          : { hour: '2-digit', minute: '2-digit' };
    return new Date(ms).toLocaleString(undefined, options);
  }

  // A time axis' tick, as precise as the chart's span asks (a scale's `this`).
  function spanLabel(value) {
    return timeLabel(value, this.chart.span || 3600);
  }

  const unitName = (seconds) => (seconds === 60 ? 'events / minute'
    : seconds === 3600 ? 'events / hour' : 'events / day');

  // A coming time in the page's time zone, 24-hour: "14:05" today, "Sat, 12 Dec, 04:00" later.
  function clockTime(iso) {
    const moment = new Date(iso);
    const options = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
    if (moment.toDateString() !== new Date().toDateString()) Object.assign(options, { weekday: 'short', day: 'numeric', month: 'short' });
    return moment.toLocaleString([], options);
  }

  // How far the numbers can be trusted, after the titles of the panels whose numbers depend
  // on it: complete, settling while late events may arrive, or the live feed's share of
  // GitHub; then what a degraded feed means for each panel.
  function qualityNotes(data) {
    const { quality, coverage } = data;
    let base;
    if (quality.status === 'complete') base = '· complete';
    else if (quality.settled_at) base = `· settling until ${clockTime(quality.settled_at)}`;
    else if (coverage.recent_live_share === null) base = '· sampled';
    else {
      const percent = coverage.recent_live_share * 100;
      base = percent < 1 ? '· sampled: under 1 % of GitHub' : `· sampled: about ${Math.round(percent)} % of GitHub`;
    }
    const degraded = quality.degraded_types.length > 0;
    const pushes = quality.push_share === null ? null : Math.round(quality.push_share * 100);
    return {
      types: degraded ? `${base}; ≥ marks lower bounds` : base,
      rate: degraded ? `${base}; a degraded feed` : base,
      repositories: degraded && pushes !== null ? `${base}; ${pushes} % pushes` : base,
    };
  }

  // The quality block in words, for the banner above the panels.
  function qualityText(quality) {
    const parts = [quality.status === 'complete' ? 'Complete: every hour has a healthy GH Archive file.'
      : 'A sample of GitHub.'];
    if (quality.settled_at) parts.push(`Late events may still arrive until ${clockTime(quality.settled_at)}.`);
    if (quality.degraded_types.length) {
      parts.push(`Degraded feed: ${quality.degraded_types.map(typeName).join(', ')} fall far below their usual share; their counts are lower bounds.`);
    }
    return parts.join(' ');
  }

  // ---- Charts ------------------------------------------------------------------------

  const palette = ['#0969da', '#1a7f37', '#9a6700', '#cf222e', '#8250df', '#57606a'];

  // The page's colours, light or dark, on every chart: its text, its grid, the shade of
  // the sampled hours.
  function applyTheme() {
    const style = getComputedStyle(document.documentElement);
    const color = (name) => style.getPropertyValue(name).trim();
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    for (const chart of Object.values(charts)) {
      for (const scale of Object.values(chart.options.scales)) {
        scale.grid.color = color('--border');
        scale.border.color = color('--border');
        scale.ticks.color = color('--muted');
        scale.title.color = color('--muted');
      }
      chart.options.plugins.legend.labels.color = color('--text');
      if (chart.options.plugins.sampledShade) {
        chart.options.plugins.sampledShade.color = color('--sampled');
        chart.options.plugins.sampledShade.settlingColor = color('--settling');
      }
      chart.update('none');
    }
  }

  // Shades the sampled hours under the lines, and the hours still settling darker.
  const sampledShade = {
    id: 'sampledShade',
    beforeDatasetsDraw(chart, args, options) {
      const { ctx, chartArea, scales } = chart;
      ctx.save();
      const fill = (spans, color) => {
        ctx.fillStyle = color;
        for (const [from, to] of spans || []) {
          const left = Math.max(scales.x.getPixelForValue(from), chartArea.left);
          const right = Math.min(scales.x.getPixelForValue(to), chartArea.right);
          if (right > left) ctx.fillRect(left, chartArea.top, right - left, chartArea.bottom - chartArea.top);
        }
      };
      fill(options.spans, options.color);
      fill(options.settling, options.settlingColor);
      ctx.restore();
    },
  };

  function barChart(canvas, onClick) {
    return new Chart(canvas, {
      type: 'bar',
      data: { labels: [], datasets: [{ data: [], backgroundColor: palette[0], fullNames: [], lowerBounds: [] }] },
      options: {
        indexAxis: 'y',
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => items[0].dataset.fullNames[items[0].dataIndex],
              label: (item) => (item.dataset.lowerBounds[item.dataIndex]
                ? `at least ${item.formattedValue} (a lower bound)` : item.formattedValue),
            },
          },
        },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
        onClick,
      },
    });
  }

  function createCharts() {
    charts.types = barChart($('types'));
    charts.repositories = barChart($('repositories'), (event, elements) => {
      if (!elements.length) return;
      const name = charts.repositories.data.datasets[0].fullNames[elements[0].index];
      $('repository').value = name;
      state.repository = name;
      reload();
    });
    charts.rate = new Chart($('rate'), {
      type: 'line',
      data: { datasets: [] },
      plugins: [sampledShade],
      options: {
        maintainAspectRatio: false,
        animation: false,
        parsing: false,
        interaction: { mode: 'index', intersect: false },
        plugins: {
          sampledShade: { color: 'transparent', spans: [] },
          tooltip: {
            callbacks: {
              title: (items) => new Date(items[0].parsed.x).toLocaleString(),
              label: (item) => `${item.dataset.label}: ${number(Math.round(item.parsed.y))}`
                + (item.raw.partial ? ' (bucket still filling, scaled)' : ''),
            },
          },
        },
        scales: {
          x: { type: 'linear', ticks: { maxTicksLimit: 7, callback: spanLabel } },
          y: { beginAtZero: true, title: { display: true, text: 'events / minute' } },
        },
      },
    });
    charts.pullRequests = new Chart($('pull-requests'), {
      type: 'line',
      data: { datasets: [{ label: 'opened (cumulative)', data: [], stepped: true, pointRadius: 2, borderColor: palette[0], backgroundColor: palette[0] }] },
      options: {
        maintainAspectRatio: false,
        animation: false,
        parsing: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => new Date(items[0].parsed.x).toLocaleString(),
              label: (item) => (item.raw.number ? `#${item.raw.number}, ` : '') + `${item.parsed.y} opened`,
            },
          },
        },
        scales: {
          x: { type: 'linear', ticks: { maxTicksLimit: 6, callback: spanLabel } },
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'opened (cumulative)' } },
        },
      },
    });
  }

  // A bar whose count is a lower bound is labelled "≥ name".
  function setBars(chart, rows, key, shortName) {
    const dataset = chart.data.datasets[0];
    chart.data.labels = rows.map((row) => (row.lower_bound ? '≥ ' : '') + shortName(row[key]));
    dataset.fullNames = rows.map((row) => row[key]);
    dataset.lowerBounds = rows.map((row) => Boolean(row.lower_bound));
    dataset.data = rows.map((row) => row.events);
    chart.update('none');
  }

  // One line per major type; the unfinished last bucket dashed, scaled to the seconds
  // it covers so that a steady feed stays level.
  function setRate(rate, window, coverage, quality) {
    const from = Date.parse(window.from);
    const to = Date.parse(window.to);
    const last = rate.buckets.length - 1;
    charts.rate.data.datasets = rate.lines.map((line, index) => ({
      label: line === 'Other' ? line : typeName(line),
      borderColor: palette[index % palette.length],
      backgroundColor: palette[index % palette.length],
      pointRadius: rate.buckets.length <= 2 ? 3 : 0,
      segment: { borderDash: (context) => (rate.last_bucket_partial && context.p1DataIndex === last ? [6, 4] : undefined) },
      data: rate.buckets.map((bucket, i) => {
        const partial = rate.last_bucket_partial && i === last;
        const seconds = partial ? Math.max(rate.last_bucket_seconds_covered, 1) : rate.bucket_seconds;
        return { x: Date.parse(bucket.start), y: (bucket.events[line] || 0) * rate.unit_seconds / seconds, partial };
      }),
    }));
    const settling = new Set(quality.settling_hour_starts);
    const span = (start) => [Date.parse(start), Date.parse(start) + 3600000];
    charts.rate.options.plugins.sampledShade.spans = coverage.hours
      .filter((hour) => hour.source === 'sampled' && !settling.has(hour.hour)).map((hour) => span(hour.hour));
    charts.rate.options.plugins.sampledShade.settling = quality.settling_hour_starts.map(span);
    charts.rate.options.scales.x.min = from;
    charts.rate.options.scales.x.max = to;
    charts.rate.options.scales.y.title.text = rate.bucket_seconds === rate.unit_seconds
      ? unitName(rate.unit_seconds)
      : `${unitName(rate.unit_seconds)}, ${duration(rate.bucket_seconds)} buckets`;
    charts.rate.span = (to - from) / 1000;
    charts.rate.update('none');
  }

  function setPullRequests(prs) {
    const summary = $('pull-requests-summary');
    const chart = charts.pullRequests;
    chart.data.datasets[0].data = [];
    if (!prs) {
      summary.textContent = state.repository ? `${state.repository}: no stored events` : 'No repository yet';
      chart.options.scales.x.display = false;
      chart.update('none');
      return;
    }
    if (document.activeElement !== $('repository')) $('repository').value = prs.repository;
    let text = prs.pull_requests === 0 ? `${prs.repository}: no opened pull requests stored`
      : prs.pull_requests === 1 ? `${prs.repository}: one opened pull request, not enough for an average`
      : `${prs.repository}: ${number(prs.pull_requests)} opened pull requests · average gap ${duration(prs.average_seconds)} · median gap ${duration(prs.median_seconds)}`;
    if (prs.source === 'history') {
      text += `\nComplete history (watched), opened in the last ${prs.horizon_days} days: ${number(prs.open)} open`;
      const merge = prs.time_to_merge;
      if (merge.median_seconds !== null) text += ` · time to merge: median ${duration(merge.median_seconds)}, p90 ${duration(merge.p90_seconds)}`;
    } else {
      text += '\nFrom the public feed, a sample: watch the repository in the app for its full history.';
    }
    summary.textContent = text;
    chart.data.datasets[0].data = prs.opened.map((pr, index) => ({ x: Date.parse(pr.opened_at), y: index + 1, number: pr.number }));
    const times = chart.data.datasets[0].data.map((point) => point.x);
    chart.span = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 3600;
    chart.options.scales.x.display = times.length > 0;
    chart.options.scales.x.min = times[0];
    chart.options.scales.x.max = times[times.length - 1];
    chart.update('none');
  }

  function setFeed(events) {
    const rows = events.map((event) => {
      const row = document.createElement('tr');
      row.dataset.id = event.id;
      const type = typeName(event.type) + (event.action ? ` (${event.action})` : '');
      for (const text of [new Date(event.created_at).toLocaleString(), type, event.repository, event.actor || '']) {
        const cell = document.createElement('td');
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    });
    $('feed').tBodies[0].replaceChildren(...rows);
  }

  const percentText = (share) => `${(share * 100).toFixed(share >= 0.1 ? 1 : 2)} %`;
  const lagText = (seconds) => (seconds === null ? '–' : `≤ ${duration(seconds)}`);

  // Each source of the window, measured: a table, readable as text.
  function setSources(sources) {
    const rows = sources.map((source) => {
      const row = document.createElement('tr');
      const cells = [source.source, source.requests, source.new_events,
        source.yield === null ? '–' : source.yield.toFixed(1), percentText(source.overlap),
        lagText(source.lag_seconds.p50), lagText(source.lag_seconds.p90), lagText(source.lag_seconds.p99),
        source.degraded_types.length ? source.degraded_types.map(typeName).join(', ') : 'none'];
      for (const value of cells) {
        const cell = document.createElement('td');
        cell.textContent = String(value);
        row.append(cell);
      }
      return row;
    });
    $('sources').tBodies[0].replaceChildren(...rows);
  }

  function draw(data) {
    const notes = qualityNotes(data);
    for (const element of document.querySelectorAll('[data-note]')) element.textContent = notes[element.dataset.note];
    $('quality').textContent = qualityText(data.quality);
    $('quality').dataset.status = data.quality.status;
    setBars(charts.types, data.type_bars, 'type', typeName);
    setBars(charts.repositories, data.active_repositories, 'repository', (name) => name);
    setRate(data.events_over_time, data.window, data.coverage, data.quality);
    setSources(data.sources);
    setPullRequests(data.pull_requests);
    setFeed(data.latest_events);
    const from = new Date(data.window.from);
    const to = new Date(data.window.to);
    $('window-label').textContent = `${from.toLocaleString()} – ${to.toLocaleString()}`
      + (state.at ? '' : ' (ends at the latest stored event)');
    $('window-label').dataset.from = data.window.from;
    $('window-label').dataset.to = data.window.to;
  }

  // ---- Controls ----------------------------------------------------------------------

  function pressPreset() {
    for (const button of document.querySelectorAll('[data-minutes]')) {
      button.setAttribute('aria-pressed', String(!state.at && Number(button.dataset.minutes) === state.minutes));
    }
  }

  function wireControls() {
    for (const button of document.querySelectorAll('[data-minutes]')) {
      button.addEventListener('click', () => {
        state.minutes = Number(button.dataset.minutes);
        state.at = null;
        pressPreset();
        reload();
      });
    }
    $('range').addEventListener('submit', (event) => {
      event.preventDefault();
      const from = new Date($('range-from').value);
      const to = new Date($('range-to').value);
      if (!(to > from)) {
        showError('The range must end after it starts.');
        return;
      }
      state.minutes = Math.max(1, Math.ceil((to - from) / 60000));
      state.at = to.toISOString().replace(/\.\d{3}Z$/, 'Z');
      pressPreset();
      reload();
    });
    $('repository-form').addEventListener('submit', (event) => {
      event.preventDefault();
      state.repository = $('repository').value.trim();
      reload();
    });
    $('repository').addEventListener('input', suggestNames);
    $('signin').addEventListener('submit', (event) => {
      event.preventDefault();
      sessionStorage.setItem(tokenKey, $('token').value);
      $('token').value = '';
      reload();
    });
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme);
  }

  // Names for the repository field, from the stored repositories.
  async function suggestNames() {
    const prefix = $('repository').value.trim();
    if (prefix.length < 2 || prefix === state.names) return;
    state.names = prefix;
    const response = await api(`/api/repositories?${new URLSearchParams({ prefix, limit: '20' })}`).catch(() => null);
    if (!response || !response.ok) return;
    const { repositories } = await response.json();
    $('repository-names').replaceChildren(...repositories.map((name) => {
      const option = document.createElement('option');
      option.value = name;
      return option;
    }));
  }

  document.addEventListener('DOMContentLoaded', () => {
    createCharts();
    applyTheme();
    wireControls();
    pressPreset();
    refresh();
  });
})();
