import assert from 'node:assert/strict';
import supertest from 'supertest';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { createUser, createVideo } from '../helpers/factories.js';

// Attack: probing `?after=<id>` on listings to learn whether a private or unlisted video id
// exists. A cursor counts only when the listing itself would show its video; any other id
// gives exactly the answer an id that never existed gives.
describe('security: enumeration through listing cursors', function () {
  this.timeout(30_000);
  const t = useTestApp();

  it('answers a private, unlisted or unfinished id in ?after= as it answers an id that does not exist', async () => {
    const owner = await createUser();
    const other = await createUser();
    for (let i = 0; i < 3; i++) await createVideo(owner, { title: `Visible ${i}` });
    const secrets = [
      await createVideo(owner, { visibility: 'private' }),
      await createVideo(owner, { visibility: 'unlisted' }),
      await createVideo(owner, { status: 'processing' }),
    ];
    const elsewhere = await createVideo(other, { title: 'Of another channel' });
    const follower = await createUser();
    const agent = await signedInAgent(t.app, follower);
    await agent.post(`/@${owner.handle}/subscribe`).set('X-CSRF-Token', (await agent.get(`/@${owner.handle}`)).text.match(/name="csrf-token" content="([^"]+)"/)![1]!);
    // The page names the address asked for (the sign-in link's next=); that part is the same for any id.
    const strip = (html: string, id: string) => html.replaceAll(id, 'ID').replace(/<meta name="csrf-token"[^>]*>|value="[^"]*"|data-request-id="[^"]*"/g, '');

    for (const [path, get] of [
      ['/', (q: string) => supertest(t.app).get(`/?after=${q}`)],
      [`/@${owner.handle}`, (q: string) => supertest(t.app).get(`/@${owner.handle}?after=${q}`)],
      [`/@${owner.handle}?sort=popular`, (q: string) => supertest(t.app).get(`/@${owner.handle}?sort=popular&after=${q}`)],
      ['/feed/subscriptions', (q: string) => agent.get(`/feed/subscriptions?after=${q}`)],
    ] as const) {
      const unknown = await get('zzzzzzzzzzz');
      for (const secret of [...secrets, ...(path === '/' ? [] : [elsewhere])]) {
        const probed = await get(secret.publicId);
        assert.equal(probed.status, unknown.status, `${path} after ${secret.publicId}`);
        assert.equal(strip(probed.text, secret.publicId), strip(unknown.text, 'zzzzzzzzzzz'), `${path}: a hidden or foreign cursor reads as no cursor`);
      }
    }
  });
});
