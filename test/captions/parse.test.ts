import assert from 'node:assert/strict';
import { distinctWords } from '../../src/captions/cue-text.js';
import { CaptionRejected, parseCaptions } from '../../src/captions/parse.js';
import { toWebVtt } from '../../src/captions/webvtt.js';

/** The WebVTT the site serves for `text` uploaded as `name`. */
const served = (text: string | Buffer, name = 'captions.vtt') => toWebVtt(parseCaptions(Buffer.isBuffer(text) ? text : Buffer.from(text), name).cues);

/** Asserts that reading `text` is refused, naming `line` (null: no line), with a message matching `reason`. */
function assertRefused(text: string | Buffer, name: string, line: number | null, reason: RegExp): void {
  assert.throws(() => parseCaptions(Buffer.isBuffer(text) ? text : Buffer.from(text), name), (err: unknown) => {
    assert.ok(err instanceof CaptionRejected, `a CaptionRejected, got ${String(err)}`);
    assert.equal(err.line, line, `the line named in: ${err.message}`);
    if (line !== null) assert.match(err.message, new RegExp(`^Line ${line}: `));
    assert.match(err.message, reason);
    return true;
  });
}

describe('caption files: parseCaptions and toWebVtt', () => {
  describe('WebVTT', () => {
    it('reads a good file and serves it back as the same cues', () => {
      const file = 'WEBVTT - a title\nKind: captions\n\nNOTE a comment\nover two lines\n\nintro\n00:00:01.000 --> 00:00:04.000 align:start line:90% region:r1 bogus:1\n<v Ana>Hello <b>there</b> &amp; welcome\nsecond line\n\n01:02.500 --> 01:03.250\n<i>ruby</i> <00:01:02.800>karaoke\n';
      assert.equal(served(file), 'WEBVTT\n\nintro\n00:00:01.000 --> 00:00:04.000 align:start line:90%\n<v Ana>Hello <b>there</b> &amp; welcome\nsecond line\n\n00:01:02.500 --> 00:01:03.250\n<i>ruby</i> <00:01:02.800>karaoke\n');
    });

    it('accepts a BOM, CRLF and CR line ends, and hours past 99', () => {
      const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('WEBVTT\r\n\r\n100:00:00.000 --> 100:00:01.000\r\nLate\rLater\n')]);
      assert.equal(served(file), 'WEBVTT\n\n100:00:00.000 --> 100:00:01.000\nLate\nLater\n');
    });

    it('drops STYLE and REGION blocks, and escapes markup that is not WebVTT', () => {
      const file = 'WEBVTT\n\nSTYLE\n::cue { background: url(https://tracker.example/x.png) }\n\n00:00:00.000 --> 00:00:01.000\n<script>alert(1)</script> <img src=x onerror=alert(1)> 1 < 2 && 3 > 2 &nbsp;\n';
      assert.equal(served(file), 'WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(1)&gt; 1 &lt; 2 &amp;&amp; 3 &gt; 2 &nbsp;\n');
    });

    it('refuses a file without the WEBVTT header, naming line 1', () => {
      assertRefused('00:00:01.000 --> 00:00:02.000\nHello\n', 'captions.vtt', 1, /starts with the line WEBVTT/);
      assertRefused('WEBVTTX\n\n00:00:01.000 --> 00:00:02.000\nHello\n', 'x.srt', 1, /WEBVTT/);
    });

    it('refuses a bad timing line, naming it', () => {
      assertRefused('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nfine\n\n00:00:03.000 -> 00:00:04.000\nbroken\n', 'c.vtt', 6, /expected a cue timing/);
      assertRefused('WEBVTT\n\n00:00:01,000 --> 00:00:02,000\ncommas\n', 'c.vtt', 3, /full stop before the milliseconds/);
      assertRefused('WEBVTT\n\n00:00:61.000 --> 00:01:02.000\nsixty-one seconds\n', 'c.vtt', 3, /not written as/);
      assertRefused('WEBVTT\n\nan id\n\n00:00:01.000 --> 00:00:02.000\n', 'c.vtt', 4, /expected a cue timing after the line "an id"/);
    });

    it('refuses a cue that ends before or when it starts, naming its timing line', () => {
      assertRefused('WEBVTT\n\n1\n00:00:05.000 --> 00:00:04.000\nbackwards\n', 'c.vtt', 4, /ends \(00:00:04.000\) before or when it starts \(00:00:05.000\)/);
      assertRefused('WEBVTT\n\n00:00:05.000 --> 00:00:05.000\nno time at all\n', 'c.vtt', 3, /ends/);
    });

    it('refuses a missing blank line between cues, and a cue right after the header', () => {
      assertRefused('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\none\n00:00:02.000 --> 00:00:03.000\ntwo\n', 'c.vtt', 5, /Leave a blank line between cues/);
      assertRefused('WEBVTT\n00:00:01.000 --> 00:00:02.000\none\n', 'c.vtt', 2, /blank line after the WEBVTT line/);
    });

    it('refuses a file with a header and no cues', () => {
      assertRefused('WEBVTT\n\nNOTE nothing here\n', 'c.vtt', null, /no captions/);
    });
  });

  describe('SRT', () => {
    it('converts a good file to the WebVTT it means', () => {
      const srt = '1\n00:00:01,000 --> 00:00:02,500\n<I>Hello</I> <font color="#ff0000">red</font>\n{\\an8}At the top\n\n2\n00:01:00,000 --> 00:01:02,000 X1:100 X2:200 Y1:10 Y2:20\nTom & Jerry <3\n\n\n3\n10:00:00,001 --> 10:00:00,002\n';
      assert.equal(served(srt, 'film.srt'), 'WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<i>Hello</i> red\nAt the top\n\n00:01:00.000 --> 00:01:02.000\nTom &amp; Jerry &lt;3\n\n10:00:00.001 --> 10:00:00.002\n');
    });

    it('reads a file by its content, whatever its name', () => {
      assert.equal(parseCaptions(Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nHi\n'), 'subs.txt').format, 'srt');
      assert.equal(parseCaptions(Buffer.from('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n'), 'subs.srt').format, 'vtt');
    });

    it('refuses a cue without its number, naming the line', () => {
      assertRefused('1\n00:00:01,000 --> 00:00:02,000\nfine\n\n00:00:03,000 --> 00:00:04,000\nno number\n', 'c.srt', 5, /expected the cue's number.*on a line of its own/);
    });

    it('refuses a bad timing line, and dots where SRT has commas', () => {
      assertRefused('1\n00:00:01 --> 00:00:02\nno milliseconds\n', 'c.srt', 2, /not written as in 00:00:01,000/);
      assertRefused('1\n00:00:01.000 --> 00:00:02.000\ndots\n', 'c.srt', 2, /comma before the milliseconds/);
      assertRefused('1\nHello\n', 'c.srt', 2, /expected a cue timing/);
      assertRefused('1\n', 'c.srt', 2, /after the cue number/);
    });

    it('refuses a cue that ends before it starts, and a missing blank line', () => {
      assertRefused('1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:09,000 --> 00:00:08,000\nbackwards\n', 'c.srt', 6, /before or when it starts/);
      assertRefused('1\n00:00:01,000 --> 00:00:02,000\none\n2\n00:00:02,000 --> 00:00:03,000\ntwo\n', 'c.srt', 5, /blank line between cues/);
    });
  });

  describe('what is not text', () => {
    it('refuses binary garbage, naming the line of the first control character', () => {
      assertRefused(Buffer.from([0x57, 0x45, 0x42, 0x0a, 0x00, 0x01, 0x02, 0xff]), 'x.vtt', 2, /not UTF-8/);
      assertRefused(Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nnul \u0000 here\n'), 'x.srt', 3, /control character \(U\+0000\)/);
      assertRefused(Buffer.from('WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nbell \u0007\n'), 'x.vtt', 4, /U\+0007/);
    });

    it('refuses invalid UTF-8 (Latin-1 text), naming its line', () => {
      const latin1 = Buffer.concat([Buffer.from('1\n00:00:01,000 --> 00:00:02,000\n'), Buffer.from([0x43, 0x61, 0x66, 0xe9]), Buffer.from('\n')]);
      assertRefused(latin1, 'c.srt', 3, /not UTF-8 text/);
    });

    it('refuses a line over 1,000 characters, naming it, and text that would grow past 4 MiB once escaped', () => {
      assertRefused(`WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${'w'.repeat(1001)}\n`, 'x.vtt', 4, /1001 characters long/);
      const ampersands = `WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n${`${'&'.repeat(999)}\n`.repeat(2000)}`;
      assertRefused(ampersands, 'x.vtt', null, /too much markup/);
    });

    it('refuses an empty file', () => {
      assertRefused('', 'c.vtt', null, /empty/);
      assertRefused(' \n\n', 'c.srt', null, /empty/);
    });
  });

  describe('distinctWords', () => {
    it('gives each word once, lower-cased, without tags, within the limit', () => {
      assert.equal(distinctWords(['<v Ana>Hello <b>world</b>, hello', 'World’s end &amp; don\'t'], 1000), "hello world world’s end don't");
      assert.equal(distinctWords(['one two three'], 8), 'one two');
      assert.equal(distinctWords([`${'x'.repeat(41)} short`], 100), 'short');
    });
  });
});
