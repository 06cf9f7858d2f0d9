import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { deleteVideo } from '../../src/db/videos.js';
import { markPlayable } from '../../src/db/video-processing.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { insertVideos, recountedSearchWords, storedSearchWords } from '../helpers/search.js';

/**
 * Letters the English stemmer leaves alone, so that the word is its own lexeme: no "l" (Porter
 * turns a final "ll" into "l"), and a final "x", which no rule touches.
 */
const word = (prefix: string) => prefix + Array.from(crypto.randomBytes(6), (b) => 'bcdfghjkmnpqrtvwxz'[b % 18]).join('') + 'x';

describe('search_words: the listed videos each search word is in', function () {
  this.timeout(60_000);

  /** Every count equals a recount from the videos, and `expected` words have these counts (0: no row). */
  async function check(step: string, expected: Record<string, number>) {
    const stored = await storedSearchWords();
    assert.deepEqual([...stored].sort(), [...(await recountedSearchWords())].sort(), `${step}: every count as a recount makes it`);
    for (const [w, n] of Object.entries(expected)) assert.equal(stored.get(w), n === 0 ? undefined : n, `${step}: ${w}`);
  }

  it('follows videos as they are uploaded, published, edited, hidden, shown and deleted', async () => {
    const a = word('tally');
    const b = word('tolly');
    const owner = await createUser();
    await check('before', { [a]: 0 });
    const first = await createVideo(owner, { title: `${a} first`, tags: [b] });
    await check('uploaded, processed and published', { [a]: 1, [b]: 1 });
    const uploaded = await createVideo(owner, { title: `${a} waiting`, status: 'processing' });
    await check('still processing: not listed yet', { [a]: 1 });
    await markPlayable(testPool(), uploaded.id, null);
    await check('ready', { [a]: 2 });
    const hidden = await createVideo(owner, { title: `${a} ${b} private`, visibility: 'private' });
    await check('a private video', { [a]: 2, [b]: 1 });
    await testPool().query(`UPDATE videos SET visibility = 'public' WHERE id = $1`, [hidden.id]);
    await check('made public', { [a]: 3, [b]: 2 });
    await testPool().query(`UPDATE videos SET title = $2, tags = '{}' WHERE id = $1`, [first.id, `${b} renamed`]);
    await check('title and tags edited', { [a]: 2, [b]: 2 });
    await testPool().query(`UPDATE videos SET view_count = view_count + 5, like_count = like_count + 1 WHERE id = $1`, [hidden.id]);
    await check('counters changed', { [a]: 2, [b]: 2 });
    await testPool().query(`UPDATE videos SET visibility = 'unlisted' WHERE id = ANY($1)`, [[first.id, hidden.id]]);
    await check('unlisted', { [a]: 1, [b]: 0 });
    await deleteVideo(testPool(), uploaded.id);
    await check('deleted: a word no listed video has is dropped', { [a]: 0 });
  });

  it('follows videos written and deleted many at a time, and an account deleted with its videos', async () => {
    const a = word('bulk');
    const owner = await createUser();
    const made = await insertVideos(owner, Array.from({ length: 60 }, (_, i) => ({
      title: `${a} ${i}`, visibility: i % 6 === 0 ? 'private' as const : 'public' as const, minutesAgo: i,
    })));
    await check('sixty in one statement, ten of them private', { [a]: 50 });
    await testPool().query('DELETE FROM videos WHERE id = ANY($1)', [made.slice(0, 30).map((v) => v.id)]);
    await check('thirty deleted in one statement', { [a]: 25 });
    await testPool().query('DELETE FROM users WHERE id = $1', [owner.id]);
    await check('the account removed with its videos', { [a]: 0 });
  });
});
