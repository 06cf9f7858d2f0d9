/**
 * Text administrators type in the settings (about, rules) as the pages show it: paragraphs split
 * on blank lines, each a list of its lines (the template puts a <br> between them and escapes
 * every line with <%=). No markup is read, so the text cannot carry HTML or scripts.
 */
export function paragraphsOf(text: string): string[][] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => paragraph.split('\n').map((line) => line.trimEnd()));
}
