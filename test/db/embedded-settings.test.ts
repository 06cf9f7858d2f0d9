import assert from 'node:assert/strict';
import { tuningFlags } from '../../src/db/embedded.js';

const GB = 1024 ** 3;
/** The settings as name → value, from `-c name=value` pairs. */
const settings = (flags: string[]) => new Map(flags.filter((_, i) => i % 2 === 1).map((f) => f.split('=') as [string, string]));

describe('the embedded Postgres settings', () => {
  it('gives shared_buffers an eighth of the memory, at least the default 128 MB and at most 2 GB', () => {
    assert.equal(settings(tuningFlags(0.5 * GB)).get('shared_buffers'), '128MB');
    assert.equal(settings(tuningFlags(8 * GB)).get('shared_buffers'), '1024MB');
    assert.equal(settings(tuningFlags(256 * GB)).get('shared_buffers'), '2048MB');
  });

  it('turns JIT off and prices random reads as an SSD\'s', () => {
    const s = settings(tuningFlags(8 * GB));
    assert.equal(s.get('jit'), 'off');
    assert.equal(s.get('random_page_cost'), '1.1');
    assert.equal(s.get('effective_cache_size'), '4096MB');
  });
});
