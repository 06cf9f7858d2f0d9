import assert from 'node:assert/strict';
import { auditDiff, DIFF_LINES_MAX, DIFF_VALUE_MAX_CHARS } from '../src/audit/diff.js';
import { errorLines } from '../src/routes/admin-jobs.js';

describe('auditDiff', () => {
  it('lists changed, added and removed fields as dotted paths, leaving out unchanged ones', () => {
    assert.deepEqual(auditDiff({ status: 'failed', a: { b: 1, c: 2 }, gone: true }, { status: 'uploaded', a: { b: 1, c: 3 }, added: [1, 2] }).lines, [
      { path: 'status', before: 'failed', after: 'uploaded' },
      { path: 'a.c', before: '2', after: '3' },
      { path: 'gone', before: 'true' },
      { path: 'added', after: '[1,2]' },
    ]);
  });

  it('shows a removed thing (before only) whole, and a plain value as "value"', () => {
    assert.deepEqual(auditDiff({ body: 'Hello' }, null).lines, [{ path: 'body', before: 'Hello' }]);
    assert.deepEqual(auditDiff(null, 'x').lines, [{ path: 'value', after: 'x' }]);
    assert.deepEqual(auditDiff(null, null), { lines: [], more: 0 });
  });

  it('cuts long values by characters (never through an emoji) and counts the lines beyond the limit', () => {
    const long = '😀'.repeat(DIFF_VALUE_MAX_CHARS + 5);
    assert.equal(auditDiff({ t: long }, null).lines[0]!.before, `${'😀'.repeat(DIFF_VALUE_MAX_CHARS)}…`);
    const many = Object.fromEntries(Array.from({ length: DIFF_LINES_MAX + 4 }, (_, i) => [`k${i}`, i]));
    const diff = auditDiff(null, many);
    assert.equal(diff.lines.length, DIFF_LINES_MAX);
    assert.equal(diff.more, 4);
  });
});

describe('errorLines', () => {
  it("splits ffmpeg's wrapped lines from the outcome, one a line", () => {
    assert.deepEqual(errorLines('ffmpeg failed: exited with code 1 (a | b (x) | c)'), ['ffmpeg failed: exited with code 1', 'a', 'b (x)', 'c']);
    assert.deepEqual(errorLines('the worker processing it stopped'), ['the worker processing it stopped']);
    assert.deepEqual(errorLines(null), []);
  });
});
