import assert from 'node:assert/strict';
import supertest from 'supertest';
import { containsBlockedWord, holdReason, normalizeForMatching, NO_RULES } from '../../src/comments/review.js';
import { findReviewRules } from '../../src/db/comment-review-rules.js';
import { parseReviewRules } from '../../src/forms/comment-review.js';
import { useTestApp } from '../helpers/app.js';
import { signedInAgent, type Agent } from '../helpers/agent.js';
import { anonymousAgent, assertSignIn, postForm } from '../helpers/check-params.js';
import { testPool } from '../helpers/database.js';
import { createUser, createVideo } from '../helpers/factories.js';

type User = Awaited<ReturnType<typeof createUser>>;

/** The newest comment of this author on this video: its id and whether it is held. */
async function lastComment(videoId: number, authorId: number): Promise<{ id: number; held: boolean; held_reason: string | null; body: string }> {
  const { rows } = await testPool().query('SELECT id, held, held_reason, body FROM comments WHERE video_id = $1 AND author_id = $2 ORDER BY id DESC LIMIT 1', [videoId, authorId]);
  return rows[0];
}

async function ageAccount(user: { id: number }, days: number): Promise<void> {
  await testPool().query(`UPDATE users SET created_at = now() - make_interval(days => $2) WHERE id = $1`, [user.id, days]);
}

describe('comments: the channel’s review rules', function () {
  this.timeout(60_000);
  const t = useTestApp();

  describe('the rule (src/comments/review.ts)', () => {
    const old = new Date(Date.now() - 3 * 86_400_000);
    const base = { mode: 'on' as const, byOwner: false, authorCreatedAt: old, rules: NO_RULES };

    it('holds links exactly where linkifyComment makes a link', () => {
      const rules = { ...NO_RULES, holdLinks: true };
      for (const body of ['see https://example.com/x', 'http://a.b', '(https://example.com/path?q=1).']) assert.equal(holdReason({ ...base, body, rules }), 'link', body);
      for (const body of ['example.com without a scheme', 'https:// nothing', 'at 1:23 @someone', 'ftp://example.com', 'mail me@example.com']) assert.equal(holdReason({ ...base, body, rules }), null, body);
      assert.equal(holdReason({ ...base, body: 'https://example.com' }), null, 'the rule off holds nothing');
    });

    it('holds accounts younger than a day, and only then', () => {
      const rules = { ...NO_RULES, holdNewAccounts: true };
      assert.equal(holdReason({ ...base, body: 'hi', rules, authorCreatedAt: new Date(Date.now() - 60_000) }), 'new-account');
      assert.equal(holdReason({ ...base, body: 'hi', rules, authorCreatedAt: new Date(Date.now() - 86_400_000 - 60_000) }), null);
    });

    it('matches blocked words whole, in any case, script and lookalike form', () => {
      const words = ['spam', 'buy now', 'plata', 'хлам', '詐欺'];
      for (const text of ['SPAM here', 'Spam!', '(spam)', 'buy   now', 'BUY\nNOW', 'ｓｐａｍ', 'sp\u200Bam', 'ｈｅｌｌｏ ＳＰＡＭ', 'PLATA', 'ХЛАМ тут', "これは詐欺だ", '𝐬𝐩𝐚𝐦']) {
        assert.equal(containsBlockedWord(text, words), true, text);
      }
      // Latin inside Japanese is still a whole word; a Japanese entry is found inside Japanese text.
      assert.equal(containsBlockedWord('スパムspamだ', ['spam']), false);
      for (const text of ['spammer', 'antispam', 'spam_x', 'buy nowhere', 'plátano', 'хламида', '']) assert.equal(containsBlockedWord(text, words), false, text);
      assert.equal(normalizeForMatching('  Ｆｉｎｅ\u00A0 ﬁne\t'), 'fine fine');
      // Entries are matched as typed, never as patterns.
      assert.equal(containsBlockedWord('a.c', ['a.c']), true);
      assert.equal(containsBlockedWord('abc', ['a.c']), false);
      assert.equal(containsBlockedWord('x', ['(', '[', '\\']), false);
    });

    it('follows the mode first: held holds all, off and the owner never', () => {
      const rules = { holdLinks: true, holdNewAccounts: true, blockedWords: ['spam'] };
      assert.equal(holdReason({ ...base, mode: 'held', body: 'hello' }), 'held-mode');
      assert.equal(holdReason({ ...base, mode: 'held', byOwner: true, body: 'hello' }), null);
      assert.equal(holdReason({ ...base, byOwner: true, rules, authorCreatedAt: new Date(), body: 'spam https://x.example' }), null);
      assert.equal(holdReason({ ...base, mode: 'off', rules, body: 'spam' }), null);
    });
  });

  describe('posting under the rules', () => {
    let owner: User;
    let ownerAgent: Agent;
    let author: User;
    let authorAgent: Agent;
    let video: Awaited<ReturnType<typeof createVideo>>;

    before(async () => {
      owner = await createUser();
      ownerAgent = await signedInAgent(t.app, owner);
      author = await createUser();
      await ageAccount(author, 3);
      authorAgent = await signedInAgent(t.app, author);
      video = await createVideo(owner);
    });

    async function setRules(form: Record<string, string>) {
      const res = await postForm(ownerAgent, '/studio/comments/settings', form);
      assert.equal(res.status, 303);
    }

    async function post(agent: Agent, who: User, body: string, parent?: number) {
      const res = await postForm(agent, `/watch/${video.publicId}/comments`, parent ? { body, parent: String(parent) } : { body });
      assert.equal(res.status, 303, body);
      return lastComment(video.id, who.id);
    }

    it('holds (a) links, (b) new accounts and (c) blocked words when each is on, in comments and replies; counts only what is published', async () => {
      await setRules({ holdLinks: 'on', blockedWords: 'Casino\nfree money' });
      const count = async () => (await testPool().query('SELECT comment_count FROM videos WHERE id = $1', [video.id])).rows[0].comment_count;
      const before = await count();
      assert.equal((await post(authorAgent, author, 'Look at https://example.com/deal')).held, true);
      assert.equal((await post(authorAgent, author, 'Look at example.com, no link')).held, false);
      assert.equal((await post(authorAgent, author, 'Best ＣＡＳＩＮＯ in town')).held, true);
      assert.equal((await post(authorAgent, author, 'casinos are not the word')).held, false);
      const root = await post(authorAgent, author, 'A plain root');
      assert.equal((await post(authorAgent, author, 'FREE   money inside', root.id)).held, true, 'a reply is held by the same rules');
      assert.equal(await count(), before + 3, 'held comments are not counted');
      // (b): a brand-new account is published until the rule is on.
      const newcomer = await createUser();
      const newcomerAgent = await signedInAgent(t.app, newcomer);
      assert.equal((await post(newcomerAgent, newcomer, 'Hello from a new account')).held, false);
      await setRules({ holdNewAccounts: 'on' });
      assert.equal((await post(newcomerAgent, newcomer, 'Hello again from a new account')).held, true);
      assert.equal((await post(authorAgent, author, 'An older account, https://example.com no longer held')).held, false, 'the other rules are off now');
      // A held comment is seen by its author and the creator only.
      const held = await lastComment(video.id, newcomer.id);
      assert.doesNotMatch((await supertest(t.app).get(`/watch/${video.publicId}`)).text, new RegExp(`id="comment-${held.id}"`));
      assert.match((await ownerAgent.get(`/watch/${video.publicId}`)).text, new RegExp(`id="comment-${held.id}"`));
    });

    it('records which rule held a comment and names it in the inbox', async () => {
      await setRules({ holdLinks: 'on', holdNewAccounts: 'on', blockedWords: 'jackpot' });
      const linked = await post(authorAgent, author, 'See https://example.com/why');
      const worded = await post(authorAgent, author, 'A JACKPOT for you');
      const newcomer = await createUser();
      const fresh = await post(await signedInAgent(t.app, newcomer), newcomer, 'First words here');
      const plain = await post(authorAgent, author, 'Nothing to hold here');
      assert.deepEqual([linked, worded, fresh, plain].map((c) => c.held_reason), ['link', 'blocked-word', 'new-account', null]);
      const inbox = (await ownerAgent.get('/studio/comments?state=held')).text;
      assert.match(inbox, /Held for review<\/strong>: it contains a link/);
      assert.match(inbox, /Held for review<\/strong>: it contains a blocked word/);
      assert.match(inbox, /Held for review<\/strong>: its account is less than a day old/);
      await setRules({});
    });

    it('never holds the owner, whatever the rules; mode held holds everyone else; mode off refuses', async () => {
      await setRules({ holdLinks: 'on', holdNewAccounts: 'on', blockedWords: 'casino' });
      assert.equal((await post(ownerAgent, owner, 'My own casino https://example.com')).held, false);
      await testPool().query(`UPDATE videos SET comments_mode = 'held' WHERE id = $1`, [video.id]);
      assert.equal((await post(authorAgent, author, 'Nothing wrong with this one')).held, true, 'held holds all');
      assert.equal((await post(ownerAgent, owner, 'The owner in held mode')).held, false);
      await testPool().query(`UPDATE videos SET comments_mode = 'off' WHERE id = $1`, [video.id]);
      assert.equal((await postForm(authorAgent, `/watch/${video.publicId}/comments`, { body: 'casino' })).status, 403);
      await testPool().query(`UPDATE videos SET comments_mode = 'on' WHERE id = $1`, [video.id]);
      assert.equal((await post(authorAgent, author, 'on again, nothing blocked')).held, false);
    });

    it('applies the rules of the video’s channel, not the author’s', async () => {
      await setRules({ blockedWords: 'casino' });
      const other = await createUser();
      const otherVideo = await createVideo(other);
      const res = await postForm(authorAgent, `/watch/${otherVideo.publicId}/comments`, { body: 'casino talk elsewhere' });
      assert.equal(res.status, 303);
      assert.equal((await lastComment(otherVideo.id, author.id)).held, false);
    });
  });

  describe('GET and POST /studio/comments/settings', () => {
    it('sends a signed-out visitor to sign in, and shows and saves my rules', async () => {
      assertSignIn(await supertest(t.app).get('/studio/comments/settings'), '/studio/comments/settings');
      assertSignIn(await postForm(await anonymousAgent(t.app), '/studio/comments/settings', { holdLinks: 'on' }));
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      const page = await agent.get('/studio/comments/settings');
      assert.equal(page.status, 200);
      assert.match(page.text, /name="holdLinks"/);
      const saved = await postForm(agent, '/studio/comments/settings', { holdLinks: 'on', blockedWords: ' Spam , ＳＰＡＭ\r\nbuy  NOW\n\n<script>alert(1)</script>' });
      assert.equal(saved.status, 303);
      assert.equal(saved.headers.location, '/studio/comments/settings');
      assert.deepEqual(await findReviewRules(testPool(), user.id), { holdLinks: true, holdNewAccounts: false, blockedWords: ['spam', 'buy now', '<script>alert(1)</script>'] });
      const shown = await agent.get('/studio/comments/settings');
      assert.match(shown.text, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.doesNotMatch(shown.text, /<script>alert/);
      assert.match(shown.text, /name="holdLinks" value="on" checked/);
      // Unticked boxes and an empty list clear them.
      assert.equal((await postForm(agent, '/studio/comments/settings', {})).status, 303);
      assert.deepEqual(await findReviewRules(testPool(), user.id), NO_RULES);
    });

    it('refuses too many words, too long a word, control characters and punctuation alone with 422, the text kept, and saves nothing', async () => {
      const user = await createUser();
      const agent = await signedInAgent(t.app, user);
      await postForm(agent, '/studio/comments/settings', { blockedWords: 'kept' });
      const cases: [string, RegExp][] = [
        [Array.from({ length: 501 }, (_, i) => `w${i}`).join('\n'), /at most 500 words/],
        ['fine\n' + 'x'.repeat(51), /at most 50 characters/],
        ['tab\u0007bell', /no control characters/],
        ['ok\n...', /no letter or digit/],
        ['x'.repeat(40_001), /at most 500 words/],
      ];
      for (const [blockedWords, message] of cases) {
        const res = await postForm(agent, '/studio/comments/settings', { holdLinks: 'on', blockedWords });
        assert.equal(res.status, 422, blockedWords.slice(0, 30));
        assert.match(res.text, message);
        assert.match(res.text, /name="holdLinks" value="on" checked/, 'the typed values are kept');
      }
      assert.deepEqual(await findReviewRules(testPool(), user.id), { ...NO_RULES, blockedWords: ['kept'] }, 'a refused form writes nothing');
      // 500 words of 50 characters is the limit, and accepted.
      const most = Array.from({ length: 500 }, (_, i) => `${String(i).padStart(3, '0')}${'a'.repeat(47)}`).join('\n');
      assert.equal((await postForm(agent, '/studio/comments/settings', { blockedWords: most })).status, 303);
      assert.equal((await findReviewRules(testPool(), user.id)).blockedWords.length, 500);
    });

    it('parses hostile fields as nothing (arrays, objects, odd values of the boxes)', () => {
      const parsed = parseReviewRules({ holdLinks: ['on', 'on'], holdNewAccounts: { a: 1 }, blockedWords: ['a', 'b'] });
      assert.deepEqual(parsed, { ok: true, value: NO_RULES });
      assert.deepEqual(parseReviewRules({ holdLinks: 'yes please', blockedWords: 'a,,b,,,A' }), { ok: true, value: { holdLinks: true, holdNewAccounts: false, blockedWords: ['a', 'b'] } });
    });
  });
});
