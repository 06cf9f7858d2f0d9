import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config.js';
import { binaryWarnings, resolveBinaries } from '../../src/media/ffmpeg.js';
import { createTestApp } from '../helpers/app.js';
import { signedInAgent } from '../helpers/agent.js';
import { binarySets } from '../helpers/binary-sets.js';
import { createUser } from '../helpers/factories.js';

/** Issue 8, B16: the 2018 build bundled in @ffmpeg-installer stays the zero-setup fallback, said loudly. */
describe('the bundled ffmpeg fallback', () => {
  const sets = binarySets();
  const bundled = sets.find((s) => s.name === 'bundled')!;
  const system = sets.find((s) => s.name === 'system');

  it('is named at start with the one command that installs a current ffmpeg', () => {
    const warnings = binaryWarnings(resolveBinaries(loadConfig(bundled.env)));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!, /bundled in the npm package @ffmpeg-installer\/ffmpeg, a 2018 build.*apt-get install ffmpeg/);
  });

  it('shows admins the warning and the command on the upload page', async () => {
    const t = createTestApp(bundled.env);
    const res = await (await signedInAgent(t.app, await createUser({ roles: ['admin'] }))).get('/upload');
    assert.equal(res.status, 200);
    assert.match(res.text, /a 2018 build with years of known security holes[^<]*<code>apt-get install ffmpeg<\/code>/);
  });

  it('does not show it to people who cannot act on it', async () => {
    const t = createTestApp(bundled.env);
    const res = await (await signedInAgent(t.app, await createUser())).get('/upload');
    assert.equal(res.status, 200);
    assert.doesNotMatch(res.text, /apt-get install ffmpeg/);
    assert.match(res.text, /4096×2304 pixels/, 'the page states the largest picture accepted');
  });

  it('says nothing when the system ffmpeg is used', async function () {
    if (!system) return this.skip();
    assert.deepEqual(binaryWarnings(resolveBinaries(loadConfig(system.env))), []);
    const t = createTestApp(system.env);
    const res = await (await signedInAgent(t.app, await createUser({ roles: ['admin'] }))).get('/upload');
    assert.doesNotMatch(res.text, /apt-get install ffmpeg/);
  });
});
