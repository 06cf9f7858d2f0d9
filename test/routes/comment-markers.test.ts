import assert from 'node:assert/strict';
import supertest from 'supertest';
import { findComment, insertComment } from '../../src/db/comments.js';
import { useTestApp } from '../helpers/app.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';
import { attachRendition } from '../helpers/videos.js';

/** The seek-bar markers the watch page hands the player (data-comment-markers), or [] without the attribute. */
function markersOf(html: string): Array<{ seconds: number; text: string; id: number }> {
  const attribute = /data-comment-markers="([^"]*)"/.exec(html)?.[1];
  if (attribute === undefined) return [];
  const decoded = attribute.replace(/&(quot|amp|lt|gt|#34|#39);/g, (_, name: string) => ({ quot: '"', '#34': '"', amp: '&', lt: '<', gt: '>', '#39': "'" })[name]!);
  return JSON.parse(decoded);
}

describe('comments: timecoded comments as seek-bar markers on the watch page', function () {
  this.timeout(60_000);
  const t = useTestApp();

  it('marks root comments that start with a timestamp within the video, with their start as the text', async () => {
    const owner = await createUser();
    const video = await createVideo(owner, { durationSeconds: 90 });
    await attachRendition(video, 90);
    const add = async (body: string, parentId: number | null = null) => {
      const parent = parentId === null ? null : await findComment(testPool(), parentId);
      return (await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body, parent }))!.id;
    };
    const marked = await add('1:05 great moment');
    const long = await add(`  0:07 ${'a'.repeat(200)}`);
    const hostile = await add('0:01 "</script><b>&\'');
    await add('2:00 past the end');
    await add('0:75 not a time');
    await add('see 0:30 for it');
    await add('10:00:00 far past the end');
    await add('0:10 a reply is not on the first page of roots', marked);

    const res = await supertest(t.app).get(`/watch/${video.publicId}`);
    assert.equal(res.status, 200);
    const markers = markersOf(res.text);
    assert.deepEqual(markers.map((m) => [m.id, m.seconds]).sort((a, b) => a[0]! - b[0]!), [[marked, 65], [long, 7], [hostile, 1]]);
    assert.equal(markers.find((m) => m.id === marked)!.text, '1:05 great moment');
    assert.equal([...markers.find((m) => m.id === long)!.text].length, 80, 'the tooltip text is cut to 80 characters');
    assert.equal(markers.find((m) => m.id === hostile)!.text, '0:01 "</script><b>&\'', 'kept as text in an escaped attribute');
    assert.doesNotMatch(res.text, /data-comment-markers="[^"]*<\/script>/, 'no raw markup inside the attribute');
  });

  it('emits no markers when no comment starts with a timestamp', async () => {
    const owner = await createUser();
    const video = await createVideo(owner, { durationSeconds: 90 });
    await attachRendition(video, 90);
    await insertComment(testPool(), { videoId: video.id, authorId: owner.id, body: 'no time here', parent: null });
    const res = await supertest(t.app).get(`/watch/${video.publicId}`);
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.text, /data-comment-markers/);
  });
});
