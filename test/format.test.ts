import assert from 'node:assert/strict';
import { firstCharacters } from '../src/format.js';

describe('firstCharacters', () => {
  it('keeps short text whole and cuts long text by characters, never through an emoji', () => {
    assert.equal(firstCharacters('short', 300), 'short');
    const text = `${'a'.repeat(299)}😀😀`;
    const cut = firstCharacters(text, 300);
    assert.equal(cut, `${'a'.repeat(299)}😀`);
    assert.equal(text.slice(0, 300).at(-1), '\ud83d', 'a cut by UTF-16 units would leave half an emoji');
    assert.ok(!/[\ud800-\udbff]$/.test(cut));
  });
});
