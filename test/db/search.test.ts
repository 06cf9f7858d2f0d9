import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { searchChannels, searchVideos, type SearchSort } from '../../src/db/search.js';
import { NEWEST_MATCHES, choosePlan, estimateMatches, findWordCounts, type SearchPlan } from '../../src/db/search-plan.js';
import { testPool } from '../helpers/database.js';
import { banUser, createUser } from '../helpers/factories.js';
import { insertVideos } from '../helpers/search.js';

/** Letters the English stemmer leaves alone: no "l" (a final "ll" becomes "l"), and a final "x". */
const letters = () => Array.from(crypto.randomBytes(7), (b) => 'bcdfghjkmnpqrtvwxz'[b % 18]).join('') + 'x';
const PAGE = 20;

describe('searchVideos: plans picked from what the words cost', function () {
  this.timeout(60_000);
  const common = `kom${letters()}`;
  const rare = `rar${letters()}`;
  /** Listed matches of `common`, newest first (index 0 published a minute ago). */
  let matches: { id: number; publicId: string }[] = [];
  const made: Record<string, { id: number; publicId: string } | undefined> = {};
  const owners: number[] = [];

  const search = (query: string, sort: SearchSort = 'relevance', page = 1) =>
    searchVideos(testPool(), { query, sort, duration: null, uploaded: null, offset: (page - 1) * PAGE, limit: PAGE + 1 });
  const ids = (hits: { publicId: string }[]) => hits.map((h) => h.publicId);
  /** The plan the words' counts pick for a first page. */
  async function planFor(query: string, sort: SearchSort, offset = 0): Promise<SearchPlan> {
    const last = query.split(' ').at(-1)!;
    const counts = await findWordCounts(testPool(), { query, prefix: `${last}:*`, rest: query.slice(0, -last.length), seconds: null });
    return choosePlan(estimateMatches(counts), counts.listed, sort === 'date' ? offset + PAGE + 1 : NEWEST_MATCHES);
  }

  before(async () => {
    const channel = await createUser();
    const banned = await createUser();
    owners.push(channel.id, banned.id);
    // 1,500 listed videos with the common word, one in ten in the title, a minute apart: common
    // enough for the newest-matches plan whatever else the test database holds (under 37,500 videos).
    matches = await insertVideos(channel, Array.from({ length: 1500 }, (_, i) => ({
      title: i % 10 === 0 ? `${common} in the title ${i}` : `Clip ${i}`, description: `All about ${common}.`, minutesAgo: 10 + i,
    })));
    [made.privateNewest, made.oldClassic] = await insertVideos(channel, [
      { title: `${common} private`, visibility: 'private', minutesAgo: 1 },
      // Much viewed and titled, but older than every other match.
      { title: `${common} ${rare} classic`, viewCount: 1_000_000, minutesAgo: 400 * 24 * 60 },
    ]);
    [made.rareInDescription, made.rareWithCommon] = await insertVideos(channel, [
      { title: 'Unrelated', description: `Mentions ${rare} once.`, minutesAgo: 5 },
      // Older than the common word's newest matches.
      { title: `${common} workshop`, description: `And ${rare}.`, minutesAgo: 300 * 24 * 60 },
    ]);
    [made.rarePrivate] = await insertVideos(channel, [{ title: `${rare} ${common} private`, visibility: 'private', minutesAgo: 2 }]);
    // Newer than every listed match, with the words in its title: would lead every page were its owner not banned.
    [made.bannedNewest] = await insertVideos(banned, [{ title: `${common} ${rare} banned`, minutesAgo: 3 }]);
    await banUser(banned);
  });

  after(async () => {
    await testPool().query('DELETE FROM videos WHERE owner_id = ANY($1)', [owners]);
  });

  it('picks the plan from the words\' counts: every match for a rare word or a rare pair, the newest for a common word', async () => {
    assert.equal(await planFor(common, 'relevance'), 'newest-matches');
    assert.equal(await planFor(common, 'date'), 'newest-matches');
    assert.equal(await planFor(rare, 'relevance'), 'every-match');
    assert.equal(await planFor(`${common} ${rare}`, 'relevance'), 'every-match', 'the rarer word governs');
  });

  it('ranks a common word\'s newest matches, title matches first, ten pages of them, stable page to page', async () => {
    const pages = [];
    for (let page = 1; page <= 11; page++) pages.push(ids(await search(common, 'relevance', page)));
    assert.deepEqual(pages[0]!.slice(0, PAGE), matches.filter((_, i) => i % 10 === 0).slice(0, PAGE).map((m) => m.publicId),
      'page one: the title matches among the newest, newest first');
    assert.equal(pages[0]!.length, PAGE + 1, 'one more than a page: there is a next page');
    const shown = pages.flatMap((p) => p.slice(0, PAGE));
    assert.equal(new Set(shown).size, shown.length, 'no video on two pages');
    assert.deepEqual(new Set(shown), new Set(matches.slice(0, NEWEST_MATCHES).map((m) => m.publicId)), `the newest ${NEWEST_MATCHES} matches, every one`);
    assert.equal(pages[9]!.length, PAGE, 'the tenth page is the last');
    assert.deepEqual(pages[10], []);
    for (const hidden of [made.privateNewest!, made.bannedNewest!]) assert.ok(!shown.includes(hidden.publicId), 'hidden videos never appear');
  });

  it('sorts a common word by views among its newest matches only, and by date through every match', async () => {
    const byViews = ids(await search(common, 'views'));
    assert.ok(!byViews.includes(made.oldClassic!.publicId), 'the old much-viewed video is not among the newest matches');
    assert.deepEqual(ids(await search(common, 'date')).slice(0, PAGE), matches.slice(0, PAGE).map((m) => m.publicId));
    // Past the 1,500 and the older workshop video.
    const last = await searchVideos(testPool(), { query: common, sort: 'date', duration: null, uploaded: null, offset: matches.length + 1, limit: PAGE + 1 });
    assert.deepEqual(ids(last), [made.oldClassic!.publicId], 'date order reaches the oldest match');
  });

  it('ranks every match of a rare word, and of a common word with a rare one, leaving hidden ones out', async () => {
    assert.deepEqual(ids(await search(rare)), [made.oldClassic!.publicId, made.rareInDescription!.publicId, made.rareWithCommon!.publicId],
      'title, however old, then description, newest first');
    assert.deepEqual(ids(await search(`${common} ${rare}`)), [made.oldClassic!.publicId, made.rareWithCommon!.publicId], 'both words in the title first');
    assert.deepEqual(ids(await search(`${common} ${rare}`, 'date')), [made.rareWithCommon!.publicId, made.oldClassic!.publicId]);
    assert.deepEqual(ids(await search(rare, 'views')), [made.oldClassic!.publicId, made.rareWithCommon!.publicId, made.rareInDescription!.publicId]);
  });

  it('looks for typos in titles only when a word is in no video, not for known words never found together', async () => {
    const [first, second] = [`fir${letters()}`, `sec${letters()}`];
    // "sec…" with one letter changed in its middle: a lookalike, not a prefix.
    const lookalike = `${second.slice(0, 4)}${second[4] === 'b' ? 'c' : 'b'}${second.slice(5)}`;
    const [near] = await insertVideos({ id: owners[0]! }, [
      { title: `${first} ${lookalike}`, minutesAgo: 7 },
      { title: `Only ${second}`, minutesAgo: 8 },
    ]);
    assert.deepEqual(ids(await search(`${first} ${second}`)), [], 'both words are in videos, never together: nothing');
    const typo = `${second.slice(0, 4)}${second[4] === 'q' ? 'w' : 'q'}${second.slice(5)}`;
    assert.deepEqual(ids(await search(`${first} ${typo}`)), [near!.publicId], 'a word in no video: its lookalike');
  });

  it('looks for lookalike channel names too only when a word of the query is in no video', async () => {
    const [first, second] = [`fir${letters()}`, `sec${letters()}`];
    const lookalike = `${second.slice(0, 4)}${second[4] === 'b' ? 'c' : 'b'}${second.slice(5)}`;
    const channel = await createUser({ displayName: `${first} ${lookalike}` });
    await insertVideos({ id: owners[0]! }, [{ title: `Only ${first}`, minutesAgo: 9 }, { title: `Only ${second}`, minutesAgo: 9 }]);
    const handles = async (query: string) => (await searchChannels(testPool(), query, 3)).map((c) => c.handle);
    assert.ok(!(await handles(`${first} ${second}`)).includes(channel.handle), 'known words: no trigram scan for lookalikes');
    const typo = `${second.slice(0, 4)}${second[4] === 'q' ? 'w' : 'q'}${second.slice(5)}`;
    assert.ok((await handles(`${first} ${typo}`)).includes(channel.handle), 'a word in no video: the lookalike name');
    assert.ok((await handles(`${first} ${lookalike}`)).includes(channel.handle), 'the name as written');
  });

  it('searches an unfinished last word as the listed words it begins, and as nothing when it begins none', async () => {
    const stem = `pre${letters()}`;
    const made = await insertVideos({ id: owners[0]! }, [{ title: `${stem}bx`, minutesAgo: 11 }, { title: `${stem}dx`, minutesAgo: 12 }]);
    const counts = await findWordCounts(testPool(), { query: stem, prefix: `${stem}:*`, rest: '', seconds: null });
    assert.deepEqual([...(counts.prefixWords ?? [])].sort(), [`${stem}bx`, `${stem}dx`]);
    assert.deepEqual(ids(await search(stem, 'date')), made.map((v) => v.publicId), 'both words the prefix stands for');
    // A prefix of no listed word drops out of the query; the word itself is in no video, so the
    // typo lookup takes over and finds the lookalike titles.
    assert.deepEqual(ids(await search(`${stem}zq`)).sort(), made.map((v) => v.publicId).sort());
  });
});
