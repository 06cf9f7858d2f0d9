import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { insertAuditEntry, type AuditEntry } from '../../src/db/audit-log.js';
import { AUDIT_PAGE_SIZE } from '../../src/db/audit-log-listing.js';
import { withTransaction } from '../../src/db/pool.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { assertSignIn } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

/** An entry as an action writes it, inside a transaction. */
async function record(entry: Partial<AuditEntry> & { actorId: number }): Promise<number> {
  return withTransaction(testPool(), (client) => insertAuditEntry(client, {
    action: 'comment.remove', targetKind: 'comment', targetId: 1, subjectUserId: null, reason: 'spam', note: null, before: null, after: null, ...entry,
  }));
}

/** An entry recorded at a given time (created_at has a default; the log's own code never sets it). */
async function recordAt(actorId: number, at: string, action = 'comment.remove'): Promise<number> {
  const { rows } = await testPool().query<{ id: string }>(
    `INSERT INTO audit_log (created_at, actor_id, action, target_kind, target_id) VALUES ($1, $2, $3, 'comment', '1') RETURNING id`,
    [at, actorId, action],
  );
  return Number(rows[0]!.id);
}

/** The ids of the entries on a page, in order. */
const entryIds = (html: string) => [...html.matchAll(/id="entry-(\d+)"/g)].map((m) => Number(m[1]));

describe('GET /admin/audit', () => {
  const t = useTestApp();
  let moderator: User;
  let admin: User;

  before(async () => {
    moderator = await createUser({ roles: ['moderator'] });
    admin = await createUser({ roles: ['admin'] });
  });

  describe('who may read it', () => {
    it('redirects anonymous visitors to sign in', async () => {
      assertSignIn(await supertest(t.app).get('/admin/audit'), '/admin/audit');
    });

    it('refuses an ordinary account (403)', async () => {
      const agent = await signedInAgent(t.app, await createUser());
      assert.equal((await agent.get('/admin/audit')).status, 403);
    });

    it('is open to moderators (audit.read, granted by migration) and admins', async () => {
      for (const who of [moderator, admin]) {
        const res = await (await signedInAgent(t.app, who)).get('/admin/audit');
        assert.equal(res.status, 200);
        assert.match(res.text, /<nav class="tabs admin-nav" aria-label="Administration">/);
      }
    });

    it('shows a moderator only the entries of the nav they may open (Audit log, not Dashboard or Jobs), and the account menu leads to their first page', async () => {
      const res = await (await signedInAgent(t.app, moderator)).get('/admin/audit');
      assert.match(res.text, /<a href="\/admin\/reports">Administration<\/a>/);
      assert.doesNotMatch((await (await signedInAgent(t.app, await createUser())).get('/')).text, />Administration</);
      assert.match((await (await signedInAgent(t.app, admin)).get('/')).text, /<a href="\/admin">Administration<\/a>/);
      assert.match(res.text, /href="\/admin\/audit" aria-current="page">Audit log/);
      assert.doesNotMatch(res.text, /href="\/admin\/jobs"/);
      assert.doesNotMatch(res.text, /href="\/admin">Dashboard/);
    });
  });

  describe('entries', () => {
    it('shows who, what, the target, the person affected, the reason, the note and a diff of the values', async () => {
      const actor = await createUser({ roles: ['moderator'] });
      const subject = await createUser();
      const video = await createVideo(subject, { title: 'Audited video' });
      await record({
        actorId: actor.id, action: 'job.retry', targetKind: 'video', targetId: video.id, subjectUserId: subject.id, reason: 'other', note: 'Checked the <file>',
        before: { status: 'failed', nested: { kept: 1, gone: 'x' } }, after: { status: 'uploaded', nested: { kept: 1 } },
      });
      const res = await (await signedInAgent(t.app, admin)).get(`/admin/audit?actor=${actor.handle}`);
      assert.equal(res.status, 200);
      assert.match(res.text, /<code>job\.retry<\/code>/);
      assert.match(res.text, new RegExp(`@${actor.handle}`));
      assert.match(res.text, new RegExp(`Affected</dt><dd>@${subject.handle}`));
      assert.match(res.text, new RegExp(`<a href="/watch/${video.publicId}">Audited video</a>`));
      assert.match(res.text, /Checked the &lt;file&gt;/);
      assert.match(res.text, /status: <del>failed<\/del> → <ins>uploaded<\/ins>/);
      assert.match(res.text, /nested\.gone: <del>x<\/del>/);
      assert.doesNotMatch(res.text, /nested\.kept/);
    });

    it('links a target only while it exists and the viewer may see it', async () => {
      const actor = await createUser({ roles: ['moderator'] });
      const owner = await createUser();
      const hidden = await createVideo(owner, { visibility: 'private', title: 'Private audited' });
      await record({ actorId: actor.id, action: 'job.cancel', targetKind: 'video', targetId: hidden.id });
      await record({ actorId: actor.id, action: 'job.cancel', targetKind: 'video', targetId: 999_999_999 });
      // A role with audit.read alone: it may read the log, not see others' private videos.
      await testPool().query(`INSERT INTO roles (name, description) VALUES ('auditor', 'Reads the audit log.') ON CONFLICT DO NOTHING`);
      await testPool().query(`INSERT INTO role_permissions (role, permission) VALUES ('auditor', 'audit.read') ON CONFLICT DO NOTHING`);
      const auditor = await signedInAgent(t.app, await createUser({ roles: ['auditor'] }));
      const seen = await auditor.get(`/admin/audit?actor=${actor.handle}`);
      assert.equal(seen.status, 200);
      assert.doesNotMatch(seen.text, /Private audited/);
      assert.equal(seen.text.match(/Gone, or not shown to you/g)?.length, 2);
      const byModerator = await (await signedInAgent(t.app, moderator)).get(`/admin/audit?actor=${actor.handle}`);
      assert.match(byModerator.text, new RegExp(`<a href="/watch/${hidden.publicId}">Private audited</a>`));
    });
  });

  it("links a person to their administration page and a role to its page for who may open them; others get the channel, or no link", async () => {
    const actor = await createUser({ roles: ['admin'] });
    const person = await createUser();
    await record({ actorId: actor.id, action: 'role.grant', targetKind: 'user', targetId: person.id, subjectUserId: person.id, reason: null });
    await record({ actorId: actor.id, action: 'role.create', targetKind: 'role', targetId: 'moderator', reason: null });
    await record({ actorId: actor.id, action: 'role.delete', targetKind: 'role', targetId: 'gone-role', reason: null });
    const byAdmin = await (await signedInAgent(t.app, admin)).get(`/admin/audit?actor=${actor.handle}`);
    assert.match(byAdmin.text, new RegExp(`<a href="/admin/users/${person.handle}">@${person.handle}</a>`));
    assert.match(byAdmin.text, /<a href="\/admin\/roles\/moderator">moderator<\/a>/);
    assert.equal(byAdmin.text.match(/Gone, or not shown to you/g)?.length, 1);
    await testPool().query(`INSERT INTO roles (name, description) VALUES ('auditor', 'Reads the audit log.') ON CONFLICT DO NOTHING`);
    await testPool().query(`INSERT INTO role_permissions (role, permission) VALUES ('auditor', 'audit.read') ON CONFLICT DO NOTHING`);
    const byAuditor = await (await signedInAgent(t.app, await createUser({ roles: ['auditor'] }))).get(`/admin/audit?actor=${actor.handle}`);
    assert.match(byAuditor.text, new RegExp(`<a href="/@${person.handle}">@${person.handle}</a>`));
    assert.doesNotMatch(byAuditor.text, /href="\/admin\/roles/);
  });

  describe('filters', () => {
    let actor: User;
    let other: User;
    const ids = { old: 0, mid: 0, recent: 0, others: 0 };

    before(async () => {
      actor = await createUser({ roles: ['moderator'] });
      other = await createUser({ roles: ['moderator'] });
      ids.old = await recordAt(actor.id, '2025-03-01T12:00:00Z');
      ids.mid = await recordAt(actor.id, '2025-03-05T23:59:59Z', 'job.cancel');
      ids.recent = await record({ actorId: actor.id, action: 'job.retry', targetKind: 'video', targetId: 424242 });
      ids.others = await record({ actorId: other.id, action: 'job.retry', targetKind: 'video', targetId: 424242 });
    });

    const page = async (query: string) => {
      const res = await (await signedInAgent(t.app, admin)).get(`/admin/audit${query}`);
      assert.equal(res.status, 200, query);
      return entryIds(res.text);
    };

    it('by actor (handle, with or without @, any case), newest first', async () => {
      assert.deepEqual(await page(`?actor=${actor.handle}`), [ids.recent, ids.mid, ids.old]);
      assert.deepEqual(await page(`?actor=%40${actor.handle.toUpperCase()}`), [ids.recent, ids.mid, ids.old]);
    });

    it('by an unknown handle: nothing, not everyone', async () => {
      assert.deepEqual(await page('?actor=nobody-has-this'), []);
    });

    it('by action', async () => {
      assert.deepEqual(await page(`?actor=${actor.handle}&action=job.cancel`), [ids.mid]);
    });

    it('by target kind and id, across actors', async () => {
      const found = await page('?kind=video&target=424242');
      assert.ok(found.includes(ids.recent) && found.includes(ids.others));
      assert.ok(!found.includes(ids.old));
      assert.deepEqual(await page(`?actor=${other.handle}&kind=video`), [ids.others]);
    });

    it('by days, inclusive at both ends (UTC)', async () => {
      assert.deepEqual(await page(`?actor=${actor.handle}&from=2025-03-01&to=2025-03-05`), [ids.mid, ids.old]);
      assert.deepEqual(await page(`?actor=${actor.handle}&from=2025-03-02`), [ids.recent, ids.mid]);
      assert.deepEqual(await page(`?actor=${actor.handle}&to=2025-03-01`), [ids.old]);
    });

    it('refuses a filter that cannot match with 400 and the form, never a 500', async () => {
      const agent = await signedInAgent(t.app, admin);
      for (const query of ['?from=2025-02-30', '?to=yesterday', '?from=2025-03-05&to=2025-03-01', '?action=DROP%20TABLE', '?kind=Video', '?target=5', '?actor=a', '?after=abc', '?after=0', '?actor=x&actor=y']) {
        const res = await agent.get(`/admin/audit${query}`);
        assert.equal(res.status, 400, query);
        assert.match(res.text, /Filter the audit log/, query);
      }
    });
  });

  describe('paging', () => {
    it(`shows ${AUDIT_PAGE_SIZE} entries a page, then the rest after the cursor, keeping the filters`, async () => {
      const actor = await createUser({ roles: ['moderator'] });
      const made: number[] = [];
      for (let i = 0; i < AUDIT_PAGE_SIZE + 5; i++) made.push(await record({ actorId: actor.id, targetId: i + 1 }));
      const agent = await signedInAgent(t.app, admin);
      const first = await agent.get(`/admin/audit?actor=${actor.handle}`);
      assert.deepEqual(entryIds(first.text), made.slice(5).reverse());
      const next = /<a href="([^"]+)" rel="next">Older<\/a>/.exec(first.text)?.[1]?.replaceAll('&amp;', '&');
      assert.ok(next, 'a link to older entries');
      assert.match(next!, new RegExp(`actor=${actor.handle}&after=${made[5]}`));
      const second = await agent.get(next!);
      assert.deepEqual(entryIds(second.text), made.slice(0, 5).reverse());
      assert.doesNotMatch(second.text, /rel="next"/);
      assert.match(second.text, />Newest<\/a>/);
    });
  });
});

describe('audit_log is append-only', () => {
  it('the database refuses UPDATE, DELETE and TRUNCATE', async () => {
    const actor = await createUser();
    const id = await record({ actorId: actor.id });
    await assert.rejects(testPool().query('UPDATE audit_log SET note = $2 WHERE id = $1', [id, 'rewritten']), /append-only: UPDATE refused/);
    await assert.rejects(testPool().query('DELETE FROM audit_log WHERE id = $1', [id]), /append-only: DELETE refused/);
    await assert.rejects(testPool().query('TRUNCATE audit_log'), /append-only: TRUNCATE refused/);
    const { rows } = await testPool().query('SELECT note FROM audit_log WHERE id = $1', [id]);
    assert.equal(rows[0].note, null);
  });

  it('no code path in src/ updates or deletes a row of it', () => {
    const root = path.resolve(import.meta.dirname, '../../src');
    const files = (fs.readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.(ts|js|sql)$/.test(f));
    assert.ok(files.length > 50, 'the sources were found');
    // Whitespace and quotes of any statement layout; a table name in any case.
    const changing = /\b(UPDATE\s+(ONLY\s+)?"?audit_log"?\b|DELETE\s+FROM\s+(ONLY\s+)?"?audit_log"?\b|TRUNCATE\s+(TABLE\s+)?(ONLY\s+)?"?audit_log"?\b)/i;
    const offending = files.filter((f) => changing.test(fs.readFileSync(path.join(root, f), 'utf8')));
    assert.deepEqual(offending, []);
  });
});
