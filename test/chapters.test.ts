import assert from 'node:assert/strict';
import { MAX_CHAPTERS, chaptersFromDescription, chaptersFromTable, chaptersShown, chaptersVtt, timestampSeconds, type ChapterRow } from '../src/chapters.js';

// The rules of chapters (src/chapters.ts): YouTube's rules for timestamps in a description, and
// the same rules for the studio's table.

const TEN_MINUTES = 600;

function chapters(description: string, duration = TEN_MINUTES) {
  const found = chaptersFromDescription(description, duration);
  assert.ok(found.ok, `expected chapters, got: ${found.ok ? '' : found.reason}`);
  return found.chapters;
}

function reason(description: string, duration = TEN_MINUTES): string {
  const found = chaptersFromDescription(description, duration);
  assert.ok(!found.ok, `expected no chapters, got ${JSON.stringify(found.ok && found.chapters)}`);
  return found.reason;
}

describe('chapters from a description', () => {
  it('reads timestamps at the start of lines, with the usual separators', () => {
    const description = 'My trip.\n\n0:00 Intro\n1:23 - The road\n(2:05) Lunch\n[3:00] | Dinner\n- 4:10: Night\n• 5:00 – Morning\n\nThanks for watching!';
    assert.deepEqual(chapters(description), [
      { startSeconds: 0, title: 'Intro' },
      { startSeconds: 83, title: 'The road' },
      { startSeconds: 125, title: 'Lunch' },
      { startSeconds: 180, title: 'Dinner' },
      { startSeconds: 250, title: 'Night' },
      { startSeconds: 300, title: 'Morning' },
    ]);
  });

  it('reads titles written before their timestamp', () => {
    assert.deepEqual(chapters('Intro 0:00\nThe road - 1:23\nLunch (2:05)\nDinner [03:00]'), [
      { startSeconds: 0, title: 'Intro' },
      { startSeconds: 83, title: 'The road' },
      { startSeconds: 125, title: 'Lunch' },
      { startSeconds: 180, title: 'Dinner' },
    ]);
  });

  it('reads hours (h:mm:ss and hh:mm:ss) and two-digit minutes', () => {
    assert.deepEqual(chapters('00:00 Start\n10:00 Middle\n1:02:03 Late\n01:30:00 Later', 2 * 3600), [
      { startSeconds: 0, title: 'Start' },
      { startSeconds: 600, title: 'Middle' },
      { startSeconds: 3723, title: 'Late' },
      { startSeconds: 5400, title: 'Later' },
    ]);
  });

  it('accepts chapters of exactly ten seconds, the last one too', () => {
    assert.equal(chapters('0:00 A\n0:10 B\n0:20 C', 30).length, 3);
  });

  it('leaves out timestamps in the middle of a sentence', () => {
    assert.deepEqual(chapters('0:00 Intro\nAt 0:45 the dog barks, see it.\n1:00 Middle\n2:00 End').map((c) => c.title), ['Intro', 'Middle', 'End']);
  });

  it('gives none when the first chapter does not start at 0:00', () => {
    assert.match(reason('0:05 Intro\n1:00 Middle\n2:00 End'), /Line 1: the first chapter must start at 0:00/);
  });

  it('gives none with only two chapters', () => {
    assert.match(reason('0:00 Intro\n1:00 End'), /are 2 chapters; at least 3/);
  });

  it('gives none when a chapter lasts under ten seconds', () => {
    assert.match(reason('0:00 Intro\n1:00 Short\n1:09 End'), /Line 2: this chapter lasts 9 s/);
  });

  it('gives none when the last chapter lasts under ten seconds before the end', () => {
    assert.match(reason('0:00 Intro\n1:00 Middle\n9:55 End'), /Line 3: this chapter lasts 5 s before the video ends/);
    assert.match(reason('0:00 Intro\n1:00 Middle\n12:00 After'), /Line 3: 12:00 is after the end of the video/);
  });

  it('gives none when the times do not go up', () => {
    assert.match(reason('0:00 Intro\n2:00 Later\n1:00 Earlier\n3:00 End'), /Line 3: 1:00 is not after the chapter before it \(2:00\)/);
    assert.match(reason('0:00 Intro\n1:00 Same\n1:00 Same again\n3:00 End'), /Line 3/);
  });

  it('gives none for impossible times and timestamps without a title', () => {
    assert.match(reason('0:00 Intro\n1:75 Odd\n3:00 End'), /Line 2: 1:75 is not a time/);
    assert.match(reason('0:00 Intro\n1:00\n3:00 End'), /Line 2: the timestamp 1:00 has no title/);
  });

  it('gives none, saying so, without any timestamps', () => {
    assert.match(reason('Just words.'), /no lines that start or end with a timestamp/);
    assert.match(reason(''), /no lines/);
  });

  it('cuts a title longer than 100 characters', () => {
    const [first] = chapters(`0:00 ${'x'.repeat(150)}\n1:00 B\n2:00 C`);
    assert.equal([...first!.title].length, 100);
    assert.ok(first!.title.endsWith('…'));
  });
});

describe('chapters from the studio table', () => {
  const rows = (...pairs: [string, string][]): ChapterRow[] => pairs.map(([start, title]) => ({ start, title }));

  it('takes rows in order of their start, leaving blank rows out, and accepts plain seconds', () => {
    const table = chaptersFromTable(rows(['0:00', 'Intro'], ['', ''], ['5:00', 'End'], ['90', 'Middle'], ['  ', ' ']), TEN_MINUTES);
    assert.deepEqual(table, { ok: true, chapters: [{ startSeconds: 0, title: 'Intro' }, { startSeconds: 90, title: 'Middle' }, { startSeconds: 300, title: 'End' }] });
  });

  it('gives no chapters for an empty table', () => {
    assert.deepEqual(chaptersFromTable(rows(['', ''], ['', '']), TEN_MINUTES), { ok: true, chapters: [] });
  });

  it('names the row of each field that is wrong', () => {
    const table = chaptersFromTable(rows(['0:00', 'Intro'], ['1:00', ''], ['later', 'Middle'], ['', 'No time'], ['4:00', 'x'.repeat(101)], ['5:00', 'Bad\u0007']), TEN_MINUTES);
    assert.ok(!table.ok);
    assert.deepEqual(Object.keys(table.errors).sort(), ['start-3', 'start-4', 'title-2', 'title-5', 'title-6']);
    assert.match(table.errors['title-2']!, /^Row 2: give this chapter a title/);
    assert.match(table.errors['start-3']!, /^Row 3: write the start as minutes:seconds/);
  });

  it('applies the rules of descriptions to the whole table, naming the row', () => {
    const notAtZero = chaptersFromTable(rows(['0:30', 'A'], ['1:00', 'B'], ['2:00', 'C']), TEN_MINUTES);
    assert.ok(!notAtZero.ok);
    assert.match(notAtZero.errors['start-1']!, /first chapter must start at 0:00/);

    const tooFew = chaptersFromTable(rows(['0:00', 'A'], ['1:00', 'B']), TEN_MINUTES);
    assert.ok(!tooFew.ok);
    assert.match(tooFew.errors.table!, /at least 3/);

    // Sorted by start: row 3 (0:05) comes second, and it is the first chapter (row 1) that is too short.
    const tooShort = chaptersFromTable(rows(['0:00', 'A'], ['2:00', 'B'], ['0:05', 'C']), TEN_MINUTES);
    assert.ok(!tooShort.ok);
    assert.match(tooShort.errors['start-1']!, /^Row 1: this chapter lasts 5 s/);

    const same = chaptersFromTable(rows(['0:00', 'A'], ['1:00', 'B'], ['1:00', 'C'], ['2:00', 'D']), TEN_MINUTES);
    assert.ok(!same.ok);
    assert.match(same.errors['start-3']!, /^Row 3: 1:00 is not after/);

    const pastTheEnd = chaptersFromTable(rows(['0:00', 'A'], ['1:00', 'B'], ['0:55', 'C']), 60);
    assert.ok(!pastTheEnd.ok);
    assert.match(pastTheEnd.errors['start-3']!, /^Row 3: this chapter lasts 5 s before the next one starts/);
  });

  it(`refuses more than ${MAX_CHAPTERS} chapters`, () => {
    const many = Array.from({ length: MAX_CHAPTERS + 1 }, (_, i) => ({ start: String(i * 10), title: `C${i}` }));
    const table = chaptersFromTable(many, 3600);
    assert.ok(!table.ok);
    assert.match(table.errors.table!, /at most 40/);
  });
});

describe('chapters shown and published', () => {
  const video = { description: '0:00 Intro\n1:00 Middle\n2:00 End', durationSeconds: 190.5 };

  it("shows the table's chapters when chosen, else the description's", () => {
    const table = [{ startSeconds: 0, title: 'T1' }, { startSeconds: 30, title: 'T2' }, { startSeconds: 60, title: 'T3' }];
    assert.deepEqual(chaptersShown({ source: 'table', table }, video), table);
    assert.deepEqual(chaptersShown({ source: 'description', table }, video).map((c) => c.title), ['Intro', 'Middle', 'End']);
    assert.deepEqual(chaptersShown({ source: 'table', table: [] }, video), []);
    assert.deepEqual(chaptersShown(null, { ...video, description: 'nothing' }), []);
  });

  it('writes a WebVTT chapters track, the last cue ending with the video, titles escaped', () => {
    const vtt = chaptersVtt([{ startSeconds: 0, title: 'Intro' }, { startSeconds: 3723, title: 'Tom & <Jerry> --> end' }], 3725.25);
    assert.equal(vtt, 'WEBVTT\n\n1\n00:00:00.000 --> 01:02:03.000\nIntro\n\n2\n01:02:03.000 --> 01:02:05.250\nTom &amp; &lt;Jerry&gt; --&gt; end\n');
    assert.equal(chaptersVtt([], 10), 'WEBVTT\n');
  });

  it('reads timestamps as the description links do', () => {
    assert.equal(timestampSeconds('1:02:03'), 3723);
    assert.equal(timestampSeconds('01:02'), 62);
    assert.equal(timestampSeconds('1:60'), null);
    assert.equal(timestampSeconds('123:00'), null);
  });
});
