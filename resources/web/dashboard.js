// The web dashboard: the window's panels, drawn with Chart.js from GET /api/dashboard.
// It polls that snapshot with If-None-Match (the service answers 304 until its data
// changes) and redraws in place; the token, when the service needs one, stays in this
// tab's sessionStorage and travels only in the Authorization header. The snapshot has
// every number already shaped (bars, rates, gaps, colours): this page only draws it, and
// writes each chart's numbers as text too. The window and the repository live in the URL.
import { count, duration, moment, timeLabel, typeName, zoneLabel } from './format.js';

const pollMs = 2000;
const tokenKey = 'ghmonitor-token';
const state = { window: '60', at: null, repository: '', scope: 'all', bots: 'include', etag: null, timer: null, names: '', ticket: 0 };
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

// The window, its end, the repository and the scope: the page's URL and the snapshot's
// query alike.
function windowQuery() {
  const query = new URLSearchParams({ window: state.window });
  if (state.at) query.set('at', state.at);
  if (state.repository) query.set('repository', state.repository);
  if (state.scope !== 'all') query.set('scope', state.scope);
  if (state.bots !== 'include') query.set('bots', state.bots);
  return query;
}

function snapshotPath() {
  return `/api/dashboard?${windowQuery()}`;
}

// A link to this view: the URL names the window, so a reload or a bookmark shows it again.
function remember() {
  history.replaceState(null, '', `${location.pathname}?${windowQuery()}`);
}

function readUrl() {
  const query = new URLSearchParams(location.search);
  const window = query.get('window');
  if (window === 'all' || /^[1-9][0-9]{0,6}$/.test(window || '')) state.window = window;
  if (/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(query.get('at') || '')) state.at = query.get('at');
  state.repository = query.get('repository') || '';
  if (query.get('scope')) state.scope = query.get('scope');
  if (['exclude', 'only'].includes(query.get('bots'))) state.bots = query.get('bots');
}

// One poll. Whatever goes wrong, the next one is scheduled (but after a sign-in prompt),
// and an answer to an older request than the latest is dropped, never drawn over a newer.
async function refresh() {
  clearTimeout(state.timer);
  const ticket = ++state.ticket;
  let again = true;
  try {
    again = await poll(ticket);
  } catch (error) {
    if (ticket === state.ticket) showError(`The page could not show the answer: ${error.message}`);
  }
  if (again && ticket === state.ticket) schedule();
}

// Asks for the snapshot and draws it; false when the page waits for a token instead.
async function poll(ticket) {
  let response;
  try {
    response = await api(snapshotPath(), state.etag);
  } catch {
    if (ticket === state.ticket) showError('The service is unreachable; trying again every few seconds.');
    return true;
  }
  if (ticket !== state.ticket) return true;
  if (response.status === 401) {
    showSignIn();
    return false;
  }
  if (response.status === 304) {
    showStatus();
    return true;
  }
  if (!response.ok) {
    const body = await response.json().catch(() => ({}));
    showError(body.error ? `The service answered ${response.status}: ${body.error}`
      : `The service answered ${response.status}.`);
    return true;
  }
  const data = await response.json();
  if (ticket !== state.ticket) return true;
  state.etag = response.headers.get('ETag');
  $('error').hidden = true;
  $('signin').hidden = true;
  $('panels').hidden = false;
  draw(data);
  showStatus();
  return true;
}

function schedule() {
  clearTimeout(state.timer);
  state.timer = setTimeout(refresh, pollMs);
}

// A new window or repository: asked for at once, whatever the service holds.
function reload() {
  state.etag = null;
  remember();
  refresh();
}

function showStatus() {
  $('status').textContent = `Updated ${timeLabel(Date.now(), 60)}`;
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

// A time axis' tick, as precise as the chart's span asks (a scale's `this`).
function spanLabel(value) {
  return timeLabel(value, this.chart.span || 3600);
}

// Round steps for a time axis, in seconds: from a second to a year.
const tickSteps = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
  86400, 172800, 604800, 1209600, 2592000, 7776000, 31536000];

// Ticks on the page's clock at the shortest round step that keeps them within the limit:
// 14:00, 14:15, 14:30, never 14:12 or 05:59.
function roundTicks(scale) {
  const span = scale.max - scale.min;
  const limit = scale.options.ticks.maxTicksLimit || 7;
  const step = 1000 * (tickSteps.find((seconds) => span / (seconds * 1000) <= limit - 1) || tickSteps.at(-1));
  const offset = new Date(scale.min).getTimezoneOffset() * 60000;
  const ticks = [];
  for (let value = Math.ceil((scale.min - offset) / step) * step + offset; value <= scale.max; value += step) {
    ticks.push({ value });
  }
  scale.ticks = ticks;
}

const unitName = (seconds) => (seconds === 60 ? 'events / minute'
  : seconds === 3600 ? 'events / hour' : 'events / day');

// A coming time in the page's time zone, 24-hour: "14:05" today, "Sat 12 Dec 2026, 04:00:00" later.
function clockTime(iso) {
  const ms = Date.parse(iso);
  return new Date(ms).toDateString() === new Date().toDateString() ? timeLabel(ms, 3600) : moment(ms);
}

// How far the numbers can be trusted, after the titles of the panels whose numbers depend
// on it: complete, settling while late events may arrive, or the live feed's share of
// GitHub; then what a degraded feed means for each panel.
function qualityNotes(data) {
  const { quality, coverage } = data;
  let base;
  if (data.scope.name !== 'all') base = `· ${watchedNote(data)}`;
  else if (quality.status === 'complete') base = '· complete';
  else if (quality.settled_at) base = `· settling until ${clockTime(quality.settled_at)}`;
  else if (coverage.recent_live_share === null) base = '· sampled';
  else {
    const percent = coverage.recent_live_share * 100;
    base = percent < 1 ? '· sampled: under 1 % of GitHub' : `· sampled: about ${Math.round(percent)} % of GitHub`;
  }
  if (data.scope.bots !== 'include') base += data.scope.bots === 'only' ? '; bots only' : '; bots left out';
  const degraded = quality.lower_bounds;
  const pushes = quality.push_share === null ? null : Math.round(quality.push_share * 100);
  return {
    types: degraded ? `${base}; ≥ marks lower bounds` : base,
    rate: degraded && data.scope.name === 'all' ? `${base}; a degraded feed` : base,
    repositories: degraded && pushes !== null ? `${base}; ${pushes} % pushes` : base,
  };
}

// A watched scope's note: its feeds are complete unless a poll missed events or a feed was
// not read all along.
function watchedNote(data) {
  const { quality, scope } = data;
  const plural = (n, one, many) => (n === 1 ? one : `${n} ${many}`);
  if (scope.repositories.length + scope.organizations.length === 0) return 'watched: nothing watched yet';
  if (quality.status === 'complete') return 'watched feeds: complete';
  if (quality.feed_gaps.length) return `watched: ${plural(quality.feed_gaps.length, '1 poll', 'polls')} missed events`;
  return `watched: ${plural(quality.feeds_read_late.length, '1 feed', 'feeds')} not read all along`;
}

// The quality block in words, for the banner above the panels.
function qualityText(quality) {
  if (quality.feed_gaps.length || quality.feeds_read_late.length) return `Watched feeds, ${quality.label}.`;
  const parts = [quality.status === 'complete' ? 'Complete: every hour has a healthy GH Archive file.'
    : 'A sample of GitHub.'];
  if (quality.settled_at) parts.push(`Late events may still arrive until ${clockTime(quality.settled_at)}.`);
  if (quality.degraded_types.length) {
    parts.push(`Degraded feed: ${quality.degraded_types.map(typeName).join(', ')} fall far below their usual share; their counts are lower bounds.`);
  }
  return parts.join(' ');
}

// ---- Charts ------------------------------------------------------------------------

// The bars' colour, the page's accent: light or dark with it (applyTheme).
let accent = '#0969da';

// The page's colours, light or dark, on every chart: its text, its grid, the shade of
// the sampled hours.
function applyTheme() {
  const style = getComputedStyle(document.documentElement);
  const color = (name) => style.getPropertyValue(name).trim();
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  accent = color('--accent');
  for (const chart of [charts.types, charts.repositories, charts.pullRequests, charts.stars]) {
    if (!chart) continue;
    chart.data.datasets[0].backgroundColor = accent;
    chart.data.datasets[0].borderColor = accent;
  }
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
      chart.options.plugins.sampledShade.gapColor = color('--gap');
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
    fill(options.gaps, options.gapColor);
    ctx.restore();
  },
};

// Each bar's value at its end, as the window writes it.
const barValues = {
  id: 'barValues',
  afterDatasetsDraw(chart) {
    const { ctx } = chart;
    const dataset = chart.data.datasets[0];
    ctx.save();
    ctx.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--text').trim();
    ctx.font = `12px ${Chart.defaults.font.family}`;
    ctx.textBaseline = 'middle';
    chart.getDatasetMeta(0).data.forEach((bar, index) => {
      const prefix = dataset.lowerBounds[index] ? '≥ ' : '';
      ctx.fillText(prefix + count(dataset.data[index]), bar.x + 4, bar.y);
    });
    ctx.restore();
  },
};
// A name of at most `length` characters, its middle left out: the table has it whole.
const shortened = (name, length) => (name.length <= length ? name
  : `${name.slice(0, Math.ceil(length / 2) - 1)}…${name.slice(-Math.floor(length / 2))}`);

function barChart(canvas, onClick) {
  return new Chart(canvas, {
    type: 'bar',
    plugins: [barValues],
    data: { labels: [], datasets: [{ data: [], backgroundColor: accent, fullNames: [], lowerBounds: [] }] },
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
              ? `at least ${count(item.raw)} (a lower bound)` : count(item.raw)),
          },
        },
      },
      // Room at the right for the longest bar's value; long names lose their middle.
      scales: {
        x: { beginAtZero: true, grace: '15%', ticks: { precision: 0 } },
        y: { ticks: { callback(value) { return shortened(this.getLabelForValue(value), this.chart.width < 560 ? 24 : 40); } } },
      },
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
        sampledShade: { color: 'transparent', spans: [], gaps: [] },
        tooltip: {
          callbacks: {
            title: (items) => moment(items[0].parsed.x),
            label: (item) => `${item.dataset.label}: ${count(item.parsed.y)} (${count(item.raw.events)} events in ${duration(item.raw.seconds)})`
              + (item.raw.filling ? ', still arriving' : ''),
          },
        },
      },
      scales: {
        x: { type: 'linear', afterBuildTicks: roundTicks, ticks: { maxTicksLimit: 7, callback: spanLabel } },
        y: { beginAtZero: true, title: { display: true, text: 'events / minute' } },
      },
    },
  });
  charts.stars = timeChart('stars', { label: 'stars a day' }, (item) => `${count(item.parsed.y)} stars`,
    'stars / day');
  charts.pullRequests = timeChart('pull-requests', { label: 'opened', stepped: true },
    (item) => (item.raw.number ? `#${item.raw.number}, ` : '') + `${item.parsed.y} opened`, 'opened, total');
}

// One series of points against time, in the accent colour: the pull requests and the stars.
function timeChart(id, dataset, label, yTitle) {
  return new Chart($(id), {
    type: 'line',
    data: { datasets: [{ ...dataset, data: [], pointRadius: 2, borderColor: accent, backgroundColor: accent }] },
    options: {
      maintainAspectRatio: false,
      animation: false,
      parsing: false,
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { title: (items) => moment(items[0].parsed.x), label } },
      },
      scales: {
        x: { type: 'linear', afterBuildTicks: roundTicks, ticks: { maxTicksLimit: 6, callback: spanLabel } },
        y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: yTitle } },
      },
    },
  });
}

// A chart's numbers as a table beside it, for screen readers, for tests, for copying.
function setTable(id, head, rows) {
  const table = $(id);
  const headRow = document.createElement('tr');
  for (const text of head) {
    const cell = document.createElement('th');
    cell.textContent = text;
    headRow.append(cell);
  }
  table.tHead.replaceChildren(headRow);
  table.tBodies[0].replaceChildren(...rows.map((cells) => {
    const row = document.createElement('tr');
    for (const text of cells) {
      const cell = document.createElement('td');
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  }));
}

// A bar whose count is a lower bound is labelled "≥ name".
function setBars(chart, rows, key, shortName) {
  const dataset = chart.data.datasets[0];
  chart.data.labels = rows.map((row) => (row.lower_bound ? '≥ ' : '') + shortName(row[key]));
  dataset.fullNames = rows.map((row) => row[key]);
  dataset.lowerBounds = rows.map((row) => Boolean(row.lower_bound));
  dataset.data = rows.map((row) => row.events);
  chart.update('none');
  setTable(`${chart.canvas.id}-table`, [key === 'type' ? 'Type' : 'Repository', 'Events'],
           rows.map((row) => [row[key], (row.lower_bound ? '≥ ' : '') + count(row.events)]));
}

// One line per major type in its own colour, as the snapshot rated each bucket: a gap
// (no source) breaks the line, and a window ending now draws its filling bucket dashed.
function setRate(rate, window, coverage, quality) {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const last = rate.buckets.length - 1;
  charts.rate.data.datasets = rate.lines.map((line) => ({
    label: line.type === 'Other' ? line.type : typeName(line.type),
    borderColor: line.colour,
    backgroundColor: line.colour,
    // A point with no neighbour (between gaps, or alone) needs a marker to be seen.
    pointRadius: (context) => {
      const near = (i) => rate.buckets[i] && !rate.buckets[i].gap;
      return near(context.dataIndex - 1) || near(context.dataIndex + 1) ? 0 : 3;
    },
    spanGaps: false,
    segment: { borderDash: (context) => (rate.last_bucket_filling && context.p1DataIndex === last ? [6, 4] : undefined) },
    data: rate.buckets.map((bucket, i) => ({
      x: Date.parse(bucket.start),
      y: bucket.rates[line.type],
      events: bucket.events[line.type],
      seconds: bucket.seconds,
      filling: rate.last_bucket_filling && i === last,
    })),
  }));
  const settling = new Set(quality.settling_hour_starts);
  const span = (start) => [Date.parse(start), Date.parse(start) + 3600000];
  const shade = charts.rate.options.plugins.sampledShade;
  shade.spans = coverage.hours
    .filter((hour) => hour.source === 'sampled' && !settling.has(hour.hour)).map((hour) => span(hour.hour));
  shade.settling = quality.settling_hour_starts.map(span);
  shade.gaps = rate.buckets.filter((bucket) => bucket.gap).map((bucket) => [Date.parse(bucket.start), Date.parse(bucket.end)]);
  charts.rate.options.scales.x.min = from;
  charts.rate.options.scales.x.max = to;
  charts.rate.options.scales.y.title.text = rate.bucket_seconds === rate.unit_seconds
    ? unitName(rate.unit_seconds)
    : `${unitName(rate.unit_seconds)}, ${duration(rate.bucket_seconds)} buckets`;
  charts.rate.span = (to - from) / 1000;
  charts.rate.update('none');
  const spanSeconds = (to - from) / 1000;
  setTable('rate-table', ['From', ...rate.lines.map((line) => typeName(line.type))],
           rate.buckets.map((bucket) => [timeLabel(Date.parse(bucket.start), spanSeconds),
             ...rate.lines.map((line) => (bucket.gap ? 'no source' : count(bucket.events[line.type])))]));
}

// The panel names its repository, and one count: the window's openings, from the
// repository's complete history when it is watched, else from the public feed's sample.
// The panel's repository's releases in the window, as the window writes them.
function releasesLine(releases) {
  if (!releases || releases.count === 0) return 'No release in this window';
  const latest = moment(Date.parse(releases.published[releases.published.length - 1]));
  if (releases.count === 1) return `1 release in this window, ${latest}`;
  return `${count(releases.count)} releases in this window · median gap ${duration(releases.median_gap_seconds)} · latest ${latest}`;
}

function setPullRequests(prs, releases) {
  const summary = $('pull-requests-summary');
  const chart = charts.pullRequests;
  chart.data.datasets[0].data = [];
  $('pull-requests-name').textContent = prs ? `· ${prs.repository}` : '';
  if (!prs) {
    summary.textContent = state.repository ? `${state.repository}: no stored events` : 'No repository yet';
    chart.options.scales.x.display = false;
    chart.update('none');
    setTable('pull-requests-table', ['Opened', 'Number'], []);
    return;
  }
  if (document.activeElement !== $('repository')) $('repository').value = prs.repository;
  const source = prs.source === 'history' ? 'from its complete history (watched)'
    : 'from the public feed, a sample: watch it in the app for its full history';
  let text = prs.pull_requests === 0 ? 'No pull request opened in this window'
    : prs.pull_requests === 1 ? '1 pull request opened in this window: not enough for an average'
      : `${count(prs.pull_requests)} pull requests opened in this window · average gap ${duration(prs.average_seconds)} · median gap ${duration(prs.median_seconds)}`;
  text += `, ${source}.`;
  if (prs.source === 'history') {
    const merge = prs.time_to_merge;
    text += `\n${count(prs.open)} still open`;
    if (merge.median_seconds !== null) text += ` · time to merge: median ${duration(merge.median_seconds)}, p90 ${duration(merge.p90_seconds)}`;
    if (prs.time_to_close.median_seconds !== null) text += ` · to first close: median ${duration(prs.time_to_close.median_seconds)}`;
  }
  text += `\n${releasesLine(releases)}`;
  summary.textContent = text;
  chart.data.datasets[0].data = prs.opened.map((pr, index) => ({ x: Date.parse(pr.opened_at), y: index + 1, number: pr.number }));
  const times = chart.data.datasets[0].data.map((point) => point.x);
  chart.span = times.length > 1 ? (times[times.length - 1] - times[0]) / 1000 : 3600;
  chart.options.scales.x.display = times.length > 0;
  chart.options.scales.x.min = times[0];
  chart.options.scales.x.max = times[times.length - 1];
  chart.update('none');
  setTable('pull-requests-table', ['Opened', 'Number'],
           prs.opened.map((pr) => [moment(Date.parse(pr.opened_at)), pr.number ? `#${pr.number}` : '–']));
}

// GitHub's own count where it was read, else the history's sum.
function starTotal(stars) {
  return stars.stargazers_count === null ? `${count(stars.total)} in the history`
    : `${count(stars.stargazers_count)} stars on GitHub`;
}

// A watched repository's stars a day, from its star history; without one, a word on how to
// get it.
function setStars(stars, repository) {
  const chart = charts.stars;
  $('stars-name').textContent = repository ? `· ${repository}` : '';
  $('stars-note').textContent = stars ? `· ${count(stars.gained)} gained on the window's days · ${starTotal(stars)}`
    : repository ? '· no star history: watch it in the app to fetch one' : '';
  const points = stars ? stars.days.map((day) => ({ x: Date.parse(`${day.day}T00:00:00Z`), y: day.stars })) : [];
  chart.data.datasets[0].data = points;
  chart.span = points.length > 1 ? (points[points.length - 1].x - points[0].x) / 1000 : 86400;
  chart.options.scales.x.display = points.length > 0;
  chart.options.scales.x.min = points.length ? points[0].x : undefined;
  chart.options.scales.x.max = points.length ? points[points.length - 1].x : undefined;
  chart.update('none');
  setTable('stars-table', ['Day', 'Stars'], stars ? stars.days.map((day) => [day.day, count(day.stars)]) : []);
}

function setFeed(events, spanSeconds) {
  const rows = events.map((event) => {
    const row = document.createElement('tr');
    row.dataset.id = event.id;
    const type = typeName(event.type) + (event.action ? ` (${event.action})` : '');
    for (const text of [timeLabel(Date.parse(event.created_at), Math.min(spanSeconds, 600)), type, event.repository, event.actor || '']) {
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
  const total = `${count(data.events_total)} events`;
  for (const element of document.querySelectorAll('[data-total]')) element.textContent = total;
  $('quality').textContent = qualityText(data.quality);
  $('quality').dataset.status = data.quality.status;
  setBars(charts.types, data.type_bars, 'type', typeName);
  setBars(charts.repositories, data.active_repositories, 'repository', (name) => name);
  setRate(data.events_over_time, data.window, data.coverage, data.quality);
  setSources(data.sources);
  setPullRequests(data.pull_requests, data.releases);
  setStars(data.stars, data.pull_requests ? data.pull_requests.repository : state.repository);
  const from = Date.parse(data.window.from);
  const to = Date.parse(data.window.to);
  setFeed(data.latest_events, (to - from) / 1000);
  const ends = state.window === 'all' ? ' (every stored event)' : state.at ? '' : ' (ends at the latest stored event)';
  $('window-label').textContent = `${moment(from)} – ${moment(to)} ${zoneLabel(new Date(to))}${ends}`;
  $('window-label').dataset.from = data.window.from;
  $('window-label').dataset.to = data.window.to;
  $('window-label').dataset.minutes = String(data.window.minutes);
  if (state.at) showRange(from, to);
}

// A chosen range stays in the form that chose it, also when it came from a link.
function showRange(from, to) {
  const local = (ms) => new Date(ms - new Date(ms).getTimezoneOffset() * 60000).toISOString().slice(0, 16);
  for (const [id, ms] of [['range-from', from], ['range-to', to]]) {
    if (document.activeElement !== $(id)) $(id).value = local(ms);
  }
}

// ---- Controls ----------------------------------------------------------------------

function pressPreset() {
  for (const button of document.querySelectorAll('[data-minutes]')) {
    button.setAttribute('aria-pressed', String(!state.at && button.dataset.minutes === state.window));
  }
}

function wireControls() {
  for (const button of document.querySelectorAll('[data-minutes]')) {
    button.addEventListener('click', () => {
      state.window = button.dataset.minutes;
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
    state.window = String(Math.max(1, Math.ceil((to - from) / 60000)));
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
  for (const id of ['scope', 'bots']) {
    if (id === 'scope') addGroups();
    $(id).value = state[id];
    $(id).addEventListener('change', () => {
      state[id] = $(id).value;
      reload();
    });
  }
  $('signin').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(tokenKey, $('token').value);
    $('token').value = '';
    reload();
  });
  matchMedia('(prefers-color-scheme: dark)').addEventListener('change', applyTheme);
}

// The watch list's groups, each a scope, after All and Watched; the URL's own scope too.
async function addGroups() {
  const response = await api('/api/groups').catch(() => null);
  const { groups } = response && response.ok ? await response.json() : { groups: [] };
  const names = groups.map((group) => group.group);
  if (!['all', 'watched', ...names].includes(state.scope)) names.push(state.scope);
  for (const name of names) {
    const option = document.createElement('option');
    option.value = name;
    option.textContent = `Group: ${name}`;
    $('scope').append(option);
  }
  $('scope').value = state.scope;
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
  readUrl();
  remember();
  $('repository').value = state.repository;
  createCharts();
  applyTheme();
  wireControls();
  pressPreset();
  refresh();
});
