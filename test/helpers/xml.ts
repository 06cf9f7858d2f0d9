/**
 * Throws unless `text` is a well-formed XML document of the kind the site writes: an optional
 * declaration, one root element, elements, attributes in quotes, text, and character or
 * predefined entity references. No XML parser is installed, so this follows XML 1.0's rules
 * for those parts (Char, STag/ETag nesting, AttValue, Reference, no "]]>" in text) and refuses
 * what the site never writes (DTDs, comments, CDATA, processing instructions).
 */
export function assertWellFormedXml(text: string): void {
  const fail = (at: number, why: string): never => {
    throw new Error(`not well-formed XML at ${at}: ${why} (…${JSON.stringify(text.slice(Math.max(0, at - 40), at + 40))}…)`);
  };
  const notChar = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.exec(text);
  if (notChar) fail(notChar.index, `U+${notChar[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} is not an XML character`);

  const isChar = (code: number) => code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code <= 0xd7ff) || (code >= 0xe000 && code <= 0xfffd) || (code >= 0x10000 && code <= 0x10ffff);
  const checkCharData = (chunk: string, at: number, inAttribute: boolean) => {
    if (!inAttribute && chunk.includes(']]>')) fail(at + chunk.indexOf(']]>'), '"]]>" in text');
    for (const amp of chunk.matchAll(/&/g)) {
      const ref = /^&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9a-fA-F]+));/.exec(chunk.slice(amp.index));
      if (!ref) fail(at + amp.index, 'a bare & or an unknown entity');
      const code = ref![2] ? Number.parseInt(ref![2], 10) : ref![3] ? Number.parseInt(ref![3], 16) : null;
      if (code !== null && !isChar(code)) fail(at + amp.index, `a reference to U+${code.toString(16).toUpperCase()}, not an XML character`);
    }
  };

  const name = '[A-Za-z_:][A-Za-z0-9_:.-]*';
  const startTag = new RegExp(`^<(${name})((?:\\s+${name}\\s*=\\s*(?:"[^<"]*"|'[^<']*'))*)\\s*(/?)>`);
  const endTag = new RegExp(`^</(${name})\\s*>`);
  let pos = /^<\?xml\s[^?]*\?>/.exec(text)?.[0].length ?? 0;
  const open: string[] = [];
  let rootSeen = false;
  while (pos < text.length) {
    const next = text.indexOf('<', pos);
    const chunk = text.slice(pos, next < 0 ? text.length : next);
    if (open.length === 0) {
      if (chunk.trim() !== '') fail(pos, 'text outside the root element');
    } else {
      checkCharData(chunk, pos, false);
    }
    if (next < 0) break;
    const rest = text.slice(next);
    const end = endTag.exec(rest);
    if (end) {
      const expected = open.pop();
      if (end[1] !== expected) fail(next, `</${end[1]}> closes <${expected ?? 'nothing'}>`);
      pos = next + end[0].length;
      continue;
    }
    const start = startTag.exec(rest);
    if (!start) fail(next, 'not a start or end tag');
    if (open.length === 0 && rootSeen) fail(next, 'a second root element');
    rootSeen = true;
    const names = new Set<string>();
    for (const attribute of start![2]!.matchAll(new RegExp(`(${name})\\s*=\\s*(?:"([^<"]*)"|'([^<']*)')`, 'g'))) {
      if (names.has(attribute[1]!)) fail(next, `attribute ${attribute[1]} twice`);
      names.add(attribute[1]!);
      checkCharData(attribute[2] ?? attribute[3] ?? '', next, true);
    }
    if (!start![3]) open.push(start![1]!);
    pos = next + start![0].length;
  }
  if (!rootSeen) fail(0, 'no root element');
  if (open.length > 0) fail(text.length, `<${open.at(-1)}> is never closed`);
}
