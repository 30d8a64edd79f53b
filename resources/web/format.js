// How the dashboard writes numbers and times: the rules of the window's formatDuration and
// formatCount (ui/chartpanels.cpp), checked against the same vectors on both sides
// (tests/format_vectors.json).

// "Push" for PushEvent, as the window names types.
export const typeName = (type) => (type.endsWith('Event') ? type.slice(0, -5) : type);

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

// A count or rate for reading: "840", "12,345", "2.5" (under 10, one decimal).
export function count(value) {
  if (Math.abs(value) < 10 && value !== Math.round(value)) return oneDecimal.format(value);
  return grouped.format(roundHalfAway(value));
}

// Qt's qRound64: halves away from zero.
function roundHalfAway(value) {
  return Math.sign(value) * Math.round(Math.abs(value));
}

const fixed1 = (value) => (roundHalfAway(value * 10) / 10).toFixed(1);

// "45 s", "12 min", "1.5 h", "3.2 days".
export function duration(seconds) {
  if (seconds < 90) return `${roundHalfAway(seconds)} s`;
  if (seconds < 90 * 60) return `${roundHalfAway(seconds / 60)} min`;
  if (seconds < 48 * 3600) return `${fixed1(seconds / 3600)} h`;
  return `${fixed1(seconds / 86400)} days`;
}

// The page's time zone as a label: "UTC", or "CET, UTC+01:00".
export function zoneLabel(date = new Date()) {
  const offset = -date.getTimezoneOffset();
  if (offset === 0) return 'UTC';
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(offset) % 60).padStart(2, '0');
  const name = new Intl.DateTimeFormat('en-GB', { timeZoneName: 'short' })
    .formatToParts(date).find((part) => part.type === 'timeZoneName')?.value;
  return name && !name.startsWith('GMT') ? `${name}, UTC${sign}${hours}:${minutes}` : `UTC${sign}${hours}:${minutes}`;
}

// A time, 24-hour, as precise as a span of `spanSeconds` asks: "14:05", "14:05:30",
// "12 Dec 14:05" or "12 Dec 2026".
export function timeLabel(ms, spanSeconds) {
  const options = { hourCycle: 'h23' };
  if (spanSeconds > 14 * 86400) Object.assign(options, { day: 'numeric', month: 'short', year: 'numeric' });
  else if (spanSeconds > 86400) Object.assign(options, { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
  else if (spanSeconds <= 600) Object.assign(options, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  else Object.assign(options, { hour: '2-digit', minute: '2-digit' });
  return new Date(ms).toLocaleString('en-GB', options);
}

// A full moment, 24-hour, with the date: "Sat 12 Dec 2026, 14:05:30".
export function moment(ms) {
  return new Date(ms).toLocaleString('en-GB', {
    weekday: 'short', day: 'numeric', month: 'short', year: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
  });
}
