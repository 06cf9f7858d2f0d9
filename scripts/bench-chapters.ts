// How long reading chapters from a description takes (src/chapters.ts), which the watch page
// does on every render it makes: `npx tsx scripts/bench-chapters.ts`. Three descriptions: a
// usual one (a paragraph and a dozen chapters), the longest possible full of timestamps
// (5,000 characters, about 120 chapters), and 5,000 characters of prose on one line ending with
// a time (the slowest shape for the "title then timestamp" pattern).
import { chaptersFromDescription } from '../src/chapters.js';

const DESCRIPTION_MAX = 5000;
const line = (i: number) => `${Math.floor((i * 15) / 60)}:${String((i * 15) % 60).padStart(2, '0')} - Chapter number ${i} with a title`;
const usual = `${'A few words about this video, with a link to https://example.com/page and thanks to everyone. '.repeat(5)}\n\n${Array.from({ length: 12 }, (_, i) => line(i)).join('\n')}\n\nFollow me elsewhere.`;
let full = '';
for (let i = 0; full.length + line(i).length < DESCRIPTION_MAX; i++) full += `${i ? '\n' : ''}${line(i)}`;
const prose = `${'Some words about this video and what happens in it, said at length. '.repeat(80)}`.slice(0, DESCRIPTION_MAX - 5) + ' 1:23';

for (const [name, text] of [['usual', usual], ['5,000 chars of timestamps', full], ['5,000 chars of prose', prose]] as const) {
  const found = chaptersFromDescription(text, 36_000);
  for (let i = 0; i < 2_000; i++) chaptersFromDescription(text, 36_000);
  const runs = 20_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) chaptersFromDescription(text, 36_000);
  const micros = Number(process.hrtime.bigint() - started) / runs / 1000;
  console.log(`${name}: ${text.length} characters, ${found.ok ? `${found.chapters.length} chapters` : 'no chapters'}, ${micros.toFixed(1)} µs a parse`);
}
