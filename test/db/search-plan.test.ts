import assert from 'node:assert/strict';
import { MAX_WALK, NEWEST_MATCHES, choosePlan, estimateMatches, findWordCounts, parseTsquery } from '../../src/db/search-plan.js';
import { testPool } from '../helpers/database.js';

const counts = (tsquery: string, videos: Record<string, number | null>, listed = 100_000) => ({ tsquery, listed, videos: new Map(Object.entries(videos)), durationShare: 1, prefixWords: null });

describe('search plans: what the words cost', () => {
  describe('parseTsquery', () => {
    it('reads Postgres\'s tsquery text with its binding order: ! before phrases before & before |', () => {
      assert.deepEqual(parseTsquery(`'a' | 'b' & !'c'`), {
        op: 'or', left: { op: 'word', key: 'a' },
        right: { op: 'and', left: { op: 'word', key: 'b' }, right: { op: 'not', arg: { op: 'word', key: 'c' } } },
      });
      assert.deepEqual(parseTsquery(`!( 'a' <-> 'b' ) & 'c':*AB`), {
        op: 'and', left: { op: 'not', arg: { op: 'and', left: { op: 'word', key: 'a' }, right: { op: 'word', key: 'b' } } },
        right: { op: 'word', key: 'c:*' },
      });
      assert.deepEqual(parseTsquery(`'it''s' <2> 'a\\\\b'`), { op: 'and', left: { op: 'word', key: `it''s` }, right: { op: 'word', key: 'a\\\\b' } });
    });

    it('refuses text it does not follow', () => {
      for (const text of [`'a' &`, `( 'a'`, `'a' 'b'`, `'a' ) & 'b'`, 'a & b']) assert.equal(parseTsquery(text), null, text);
    });
  });

  describe('estimateMatches', () => {
    it('takes an and as words found together by chance, never more than its rarest word', () => {
      assert.equal(estimateMatches(counts(`'storm' & 'review'`, { storm: 20_000, review: 5_000 })), 1_000);
      assert.equal(estimateMatches(counts(`'storm' & 'quetzal'`, { storm: 20_000, quetzal: 5 })), 1);
    });

    it('takes an or as its larger side, a -word as the videos without it, and a word nobody used as none', () => {
      assert.equal(estimateMatches(counts(`'storm' | 'storm':*`, { storm: 20_000, 'storm:*': 20_500 })), 20_500);
      assert.equal(estimateMatches(counts(`!'storm'`, { storm: 20_000 })), 80_000);
      assert.equal(estimateMatches(counts(`'nobodysword'`, { nobodysword: 0 })), 0);
      assert.equal(estimateMatches(counts('', {})), 0, 'only stop words');
    });

    it('takes a prefix of too many words, and text it cannot read, as matching every video', () => {
      assert.equal(estimateMatches(counts(`'st':*`, { 'st:*': null })), 100_000);
      assert.equal(estimateMatches(counts(`'a' &`, { a: 3 })), 100_000);
      assert.equal(estimateMatches(counts(`'a'`, {})), 100_000, 'a word the counts do not name');
    });
  });

  describe('choosePlan', () => {
    it('ranks every match of rare words, and the newest matches of common ones', () => {
      assert.equal(choosePlan(0, 100_000, NEWEST_MATCHES), 'every-match');
      assert.equal(choosePlan(500, 100_000, NEWEST_MATCHES), 'every-match');
      assert.equal(choosePlan(20_000, 100_000, NEWEST_MATCHES), 'newest-matches');
      assert.equal(choosePlan(95_000, 100_000, NEWEST_MATCHES), 'newest-matches');
    });

    it('never plans a walk longer than MAX_WALK, and walks further for a deeper page', () => {
      const matches = 3_000;
      assert.ok((NEWEST_MATCHES * 10_000_000) / matches > MAX_WALK);
      assert.equal(choosePlan(matches, 10_000_000, NEWEST_MATCHES), 'every-match');
      assert.equal(choosePlan(matches, 100_000, 21), 'newest-matches');
      assert.equal(choosePlan(matches, 100_000, 1_001), 'every-match');
    });

    it('walks further when a filter keeps few of the matches', () => {
      assert.equal(choosePlan(20_000, 100_000, NEWEST_MATCHES), 'newest-matches');
      assert.equal(choosePlan(20_000, 100_000, NEWEST_MATCHES, 0.01), 'every-match');
    });
  });

  describe('findWordCounts', () => {
    it('reads the query as Postgres does and counts its words, prefixes summed over their words', async () => {
      const { rows } = await testPool().query(`SELECT coalesce((SELECT videos FROM search_words WHERE word = ''), 0) AS listed`);
      await testPool().query(`INSERT INTO search_words (word, videos) VALUES ('zyzzogeton', 7), ('zyzzogetons', 2), ('zyzzx', 1)`);
      try {
        const found = await findWordCounts(testPool(), { query: 'zyzzx zyzzoge', prefix: 'zyzzoge:*', rest: 'zyzzx ', seconds: null });
        assert.equal(found.tsquery, `'zyzzx' & 'zyzzog' | 'zyzzx' & 'zyzzoge':*`);
        assert.equal(found.listed, rows[0].listed);
        assert.deepEqual([...found.videos].sort(), [['zyzzog', 0], ['zyzzoge:*', 9], ['zyzzx', 1]]);
        assert.equal(found.durationShare, 1, 'no duration filter');
      } finally {
        await testPool().query(`DELETE FROM search_words WHERE word LIKE 'zyzz%'`);
      }
    });
  });
});
