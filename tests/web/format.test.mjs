// The web page's formatting against the vectors the window's TimeFormat is tested with
// (tst_snapshot): both write durations and counts alike.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { count, duration, timeLabel, typeName } from '../../resources/web/format.js';

const vectors = JSON.parse(readFileSync(new URL('../format_vectors.json', import.meta.url)));

test('durations', () => {
  for (const [seconds, text] of vectors.duration) assert.equal(duration(seconds), text, `${seconds} s`);
});

test('counts', () => {
  for (const [value, text] of vectors.count) assert.equal(count(value), text, String(value));
});

test('type names', () => {
  assert.equal(typeName('PushEvent'), 'Push');
  assert.equal(typeName('Other'), 'Other');
});

test('times are 24-hour', () => {
  const afternoon = Date.UTC(2026, 11, 5, 15, 4, 5);
  for (const span of [300, 3600, 3 * 86400, 30 * 86400]) {
    assert.doesNotMatch(timeLabel(afternoon, span), /AM|PM/i, `span ${span}`);
  }
});
