import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, VARIABLES, loadConfig, resolveSessionSecret } from '../src/config.js';
import { ROOT_DIR } from '../src/paths.js';
import { tempDataDir } from './helpers/app.js';

describe('configuration', () => {
  it('has a default for everything but the optional variables', () => {
    const config = loadConfig({});
    assert.equal(config.port, 3000);
    assert.equal(config.dataDir, path.join(ROOT_DIR, 'var'));
    assert.equal(config.databaseUrl, null);
    assert.equal(config.publicUrl.href, 'http://localhost:3000/');
  });

  it('names every bad variable in one message', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', PUBLIC_URL: 'https://example.org/path' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 4);
        for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'PUBLIC_URL']) assert.match(err.message, new RegExp(`${name}=`));
        return true;
      },
    );
  });

  it('runs one web process per core by default, at most 8, and takes a number from 1 to 8', () => {
    assert.equal(loadConfig({}).webProcesses, Math.min(os.availableParallelism(), 8));
    assert.equal(loadConfig({ WEB_PROCESSES: '1' }).webProcesses, 1);
    for (const bad of ['0', '9', 'two', '-1']) {
      assert.throws(() => loadConfig({ WEB_PROCESSES: bad }), /WEB_PROCESSES=.*must be auto or a whole number from 1 to 8/);
    }
  });

  it('limits playlists to 5,000 videos and an account to 500 playlists by default, and takes whole numbers', () => {
    assert.equal(loadConfig({}).playlistMaxItems, 5000);
    assert.equal(loadConfig({}).playlistsPerAccount, 500);
    assert.equal(loadConfig({ PLAYLIST_MAX_ITEMS: '3', PLAYLISTS_PER_ACCOUNT: '2' }).playlistMaxItems, 3);
    for (const bad of ['0', 'many', '-5', '1.5']) {
      assert.throws(() => loadConfig({ PLAYLIST_MAX_ITEMS: bad }), /PLAYLIST_MAX_ITEMS=/);
      assert.throws(() => loadConfig({ PLAYLISTS_PER_ACCOUNT: bad }), /PLAYLISTS_PER_ACCOUNT=/);
    }
  });

  it('is documented in the README, variable by variable', () => {
    const readme = fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8');
    for (const variable of VARIABLES) assert.match(readme, new RegExp(`\\| \`${variable.name}\` \\|`), variable.name);
  });

  it('generates the session secret once and keeps it in DATA_DIR', () => {
    const dataDir = tempDataDir();
    const first = resolveSessionSecret({ sessionSecret: null, dataDir });
    const second = resolveSessionSecret({ sessionSecret: null, dataDir });
    assert.ok(first.length >= 32);
    assert.equal(first, second);
    assert.equal(fs.statSync(path.join(dataDir, 'secrets', 'session-secret')).mode & 0o777, 0o600);
    assert.equal(resolveSessionSecret({ sessionSecret: 'x'.repeat(40), dataDir }), 'x'.repeat(40));
  });
});
