// Attack covered: a comment route reachable by the wrong person. Every comment route × every
// kind of person (anonymous, the comment's author, the video's creator, a moderator, a banned
// account), as one table of statuses: once on a public video, once on a video made private
// after the comment was written (its author may no longer see it: 404, not 403). A refused
// request writes nothing.
import assert from 'node:assert/strict';
import { findComment, insertComment } from '../../src/db/comments.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, bannedAgent, postForm, withoutWrites } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;
const WHO = ['anonymous', 'author', 'creator', 'moderator', 'banned'] as const;
type Who = (typeof WHO)[number];
/** A status, or 'login': 303 to /login?next=… */
type Outcome = number | 'login';
const L = 'login' as const;

/** What a row acts on: the creator's video and the author's comment on it (held for `approve`). */
interface Subject { video: { id: number; publicId: string }; commentId: number }

interface Route {
  method: 'GET' | 'POST';
  path(s: Subject): string;
  form?: Record<string, string>;
  held?: boolean;
  /** Statuses for anonymous, author, creator, moderator, banned. */
  expect: [Outcome, Outcome, Outcome, Outcome, Outcome];
  /** On the video made private: only what changes (the author may no longer see it). */
  hidden?: Partial<Record<Who, Outcome>>;
}

let posts = 0;
/** A text never posted before (the same text within a minute is answered as the first). */
const fresh = (what: string) => `${what} ${++posts}`;

const ROUTES: Record<string, Route> = {
  post: { method: 'POST', path: (s) => `/watch/${s.video.publicId}/comments`, expect: [L, 303, 303, 303, L] },
  reply: { method: 'POST', path: (s) => `/watch/${s.video.publicId}/comments`, expect: [L, 303, 303, 303, L] },
  edit: { method: 'POST', path: (s) => `/comments/${s.commentId}/edit`, form: { body: 'Edited in the table' }, expect: [L, 303, 403, 403, L] },
  delete: { method: 'POST', path: (s) => `/comments/${s.commentId}/delete`, expect: [L, 303, 303, 403, L] },
  rate: { method: 'POST', path: (s) => `/comments/${s.commentId}/rate`, form: { value: 'like' }, expect: [L, 303, 303, 303, L] },
  pin: { method: 'POST', path: (s) => `/comments/${s.commentId}/pin`, expect: [L, 403, 303, 403, L] },
  unpin: { method: 'POST', path: (s) => `/comments/${s.commentId}/unpin`, expect: [L, 403, 303, 403, L] },
  heart: { method: 'POST', path: (s) => `/comments/${s.commentId}/heart`, expect: [L, 403, 303, 403, L] },
  unheart: { method: 'POST', path: (s) => `/comments/${s.commentId}/unheart`, expect: [L, 403, 303, 403, L] },
  // Held: its author sees it (403: not theirs to approve), moderators see it (403: the creator's decision).
  approve: { method: 'POST', path: (s) => `/comments/${s.commentId}/approve`, held: true, expect: [L, 403, 303, 403, L] },
  mode: { method: 'POST', path: (s) => `/watch/${s.video.publicId}/comments/mode`, form: { mode: 'held' }, expect: [L, 403, 303, 403, L] },
  remove: { method: 'POST', path: (s) => `/comments/${s.commentId}/remove`, form: { reason: 'spam' }, expect: [L, 403, 403, 303, L] },
  revisions: { method: 'GET', path: (s) => `/comments/${s.commentId}/revisions`, expect: [L, 403, 403, 200, L] },
};

/** On the private video the author is a stranger: 404 wherever they could act before. */
const HIDDEN_FROM_AUTHOR = Object.fromEntries(Object.keys(ROUTES).map((name) => [name, { author: 404 }])) as Record<string, Partial<Record<Who, Outcome>>>;

describe('comments: the permission matrix', function () {
  this.timeout(120_000);
  const t = useTestApp();
  const agents = {} as Record<Who, Agent>;
  let author: User;
  let creator: User;

  before(async () => {
    author = await createUser();
    creator = await createUser();
    agents.anonymous = await anonymousAgent(t.app);
    agents.author = await signedInAgent(t.app, author);
    agents.creator = await signedInAgent(t.app, creator);
    agents.moderator = await signedInAgent(t.app, await createUser({ roles: ['moderator'] }));
    agents.banned = await bannedAgent(t.app);
  });

  async function subject(route: Route, hidden: boolean): Promise<Subject> {
    const video = await createVideo(creator);
    const commentId = (await insertComment(testPool(), { videoId: video.id, authorId: author.id, body: fresh('The author said'), parent: null, held: route.held }))!.id;
    if (hidden) await testPool().query(`UPDATE videos SET visibility = 'private' WHERE id = $1`, [video.id]);
    return { video, commentId };
  }

  async function send(who: Agent, name: string, route: Route, s: Subject) {
    if (route.method === 'GET') return who.get(route.path(s));
    const form = name === 'post' ? { body: fresh('A comment') } : name === 'reply' ? { body: fresh('A reply'), parent: String(s.commentId) } : (route.form ?? {});
    return postForm(who, route.path(s), form);
  }

  function outcome(res: { status: number; headers: Record<string, string> }): Outcome {
    return res.status === 303 && /^\/login\?next=/.test(String(res.headers.location)) ? L : res.status;
  }

  for (const hidden of [false, true]) {
    describe(hidden ? 'on a video made private after the comment' : 'on a public video', () => {
      for (const [name, route] of Object.entries(ROUTES)) {
        const expected = WHO.map((who, i) => (hidden ? HIDDEN_FROM_AUTHOR[name]![who] : undefined) ?? route.expect[i]!);
        it(`${name}: ${WHO.map((who, i) => `${who} ${expected[i]}`).join(', ')}`, async () => {
          const wrong: string[] = [];
          for (const [i, who] of WHO.entries()) {
            const s = await subject(route, hidden);
            const succeeds = expected[i] === 200 || expected[i] === 303;
            const res = succeeds ? await send(agents[who], name, route, s) : await withoutWrites(() => send(agents[who], name, route, s));
            const got = outcome(res);
            if (got !== expected[i]) wrong.push(`${who}: expected ${expected[i]}, got ${got}`);
          }
          assert.deepEqual(wrong, []);
        });
      }
    });
  }

  it('the comment row of a refused request is as it was (spot check: edit by the creator)', async () => {
    const s = await subject(ROUTES.edit!, false);
    const before = await findComment(testPool(), s.commentId);
    assert.equal(outcome(await send(agents.creator, 'edit', ROUTES.edit!, s)), 403);
    assert.deepEqual(await findComment(testPool(), s.commentId), before);
  });
});
