import { sanitizeCueText, sanitizeSettings } from './cue-text.js';

/**
 * A strict reader of the two caption formats creators have: WebVTT (what browsers play) and
 * SRT (what most subtitle tools write). Both become the same cues, written back out as WebVTT
 * (webvtt.ts), so the site serves one format whatever was uploaded. Strict, because a file a
 * browser half-reads shows captions that stop halfway through the video, and the creator would
 * not know why: the first line that is wrong is named instead, so it can be fixed.
 */

/** One caption: times in milliseconds, settings (WebVTT only) and text as they are to be served. */
export interface Cue {
  id: string | null;
  startMs: number;
  endMs: number;
  settings: string;
  text: string;
}

export type CaptionFormat = 'vtt' | 'srt';

export interface ParsedCaptions {
  format: CaptionFormat;
  cues: Cue[];
}

/** A file refused, with the line (1-based) that is wrong when one is to blame. */
export class CaptionRejected extends Error {
  constructor(readonly line: number | null, readonly reason: string) {
    super(line === null ? reason : `Line ${line}: ${reason}`);
    this.name = 'CaptionRejected';
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** C0 and C1 controls other than tab (line ends are split off first): never in a caption, always a sign of a binary file. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;
const VTT_HEADER = /^WEBVTT(?:[ \t].*)?$/;
const VTT_TIME = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const SRT_TIME = /^(\d+):([0-5]\d):([0-5]\d),(\d{3})$/;
const TIMING = /^(\S+)[ \t]+-->[ \t]+(\S+)(?:[ \t]+(.*))?$/;
const SRT_NUMBER = /^\d+$/;
const LOOKS_LIKE_TIMING = /^[ \t]*(?:\d+:)?\d+:\d+[.,]\d+[ \t]*[-=>]/;
/** A caption line is a sentence or two; a longer line is a transcript pasted whole, or not a caption file. */
export const MAX_LINE_CHARS = 1000;
/** What a file may become once escaped (each & of a 2 MiB file would otherwise make a 10 MiB row). */
const MAX_TEXT_CHARS = 4 * 1024 * 1024;
/** A line shown in a message is cut to this, so a message stays readable whatever the file holds. */
const QUOTED_MAX_CHARS = 40;

/**
 * Reads `bytes` (the uploaded file) as WebVTT when it starts with the WEBVTT header or is named
 * .vtt, otherwise as SRT; throws CaptionRejected naming the first wrong line.
 */
export function parseCaptions(bytes: Buffer, fileName = ''): ParsedCaptions {
  const lines = decodeLines(bytes);
  if (lines.every((l) => l.trim() === '')) throw new CaptionRejected(null, 'The file is empty.');
  const isVtt = lines[0]!.startsWith('WEBVTT') || /\.vtt$/i.test(fileName);
  const cues = isVtt ? readVtt(lines) : readSrt(lines);
  if (cues.length === 0) throw new CaptionRejected(null, 'The file holds no captions: no line with a cue timing such as 00:00:01.000 --> 00:00:02.000.');
  if (cues.reduce((sum, cue) => sum + cue.text.length, 0) > MAX_TEXT_CHARS) throw new CaptionRejected(null, 'The captions hold too much markup or too many & < > characters to be served.');
  return { format: isVtt ? 'vtt' : 'srt', cues };
}

/** The file's lines as text: UTF-8 (a BOM is fine), no control characters, any line ends. */
function decodeLines(bytes: Buffer): string[] {
  const body = bytes.subarray(0, 3).equals(UTF8_BOM) ? bytes.subarray(3) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new CaptionRejected(lineOfInvalidUtf8(body), 'this is not UTF-8 text. Save the file as UTF-8 (most editors offer it under "Save as" or "Encoding") and upload it again.');
  }
  const lines = text.split(/\r\n|\r|\n/);
  lines.forEach((line, i) => {
    if (line.length > MAX_LINE_CHARS) throw new CaptionRejected(i + 1, `is ${line.length} characters long; a caption line holds at most ${MAX_LINE_CHARS}.`);
    const control = CONTROL.exec(line);
    if (!control) return;
    const code = `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new CaptionRejected(i + 1, `holds a control character (${code}); this does not look like a caption file.`);
  });
  return lines;
}

/** The line holding the first byte that is not UTF-8: a multi-byte sequence never holds a newline byte. */
function lineOfInvalidUtf8(body: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let line = 1; ; line++) {
    const end = body.indexOf(0x0a, start);
    try {
      decoder.decode(body.subarray(start, end === -1 ? body.length : end));
    } catch {
      return line;
    }
    if (end === -1) return line;
    start = end + 1;
  }
}

const quoted = (line: string) => JSON.stringify(line.length > QUOTED_MAX_CHARS ? `${line.slice(0, QUOTED_MAX_CHARS)}…` : line);
const isBlank = (line: string) => line.trim() === '';

/** Groups of non-blank lines, each with the number of its first line. */
function blocks(lines: string[], from: number): { first: number; lines: string[] }[] {
  const found: { first: number; lines: string[] }[] = [];
  let current: { first: number; lines: string[] } | null = null;
  for (let i = from; i < lines.length; i++) {
    if (isBlank(lines[i]!)) {
      current = null;
    } else if (current) {
      current.lines.push(lines[i]!);
    } else {
      current = { first: i + 1, lines: [lines[i]!] };
      found.push(current);
    }
  }
  return found;
}

function millis(match: RegExpExecArray): number {
  const [, h, m, s, ms] = match;
  return ((Number(h ?? 0) * 60 + Number(m)) * 60 + Number(s)) * 1000 + Number(ms);
}

/** A timing line's start and end, checked: each a timestamp of the format, the end after the start. */
function readTiming(line: string, lineNumber: number, format: CaptionFormat): { startMs: number; endMs: number; rest: string } {
  const example = format === 'vtt' ? '00:00:01.000 --> 00:00:02.500' : '00:00:01,000 --> 00:00:02,500';
  const timing = TIMING.exec(line.trim());
  if (!timing) throw new CaptionRejected(lineNumber, `expected a cue timing such as ${example}, found ${quoted(line)}.`);
  const pattern = format === 'vtt' ? VTT_TIME : SRT_TIME;
  const start = pattern.exec(timing[1]!);
  const end = pattern.exec(timing[2]!);
  if (!start || !end) {
    const hint = format === 'srt' && /\.\d{3}/.test(line) ? ' (SRT writes a comma before the milliseconds)' : format === 'vtt' && /,\d{3}/.test(line) ? ' (WebVTT writes a full stop before the milliseconds)' : '';
    throw new CaptionRejected(lineNumber, `the times in ${quoted(line)} are not written as in ${example}${hint}.`);
  }
  const startMs = millis(start);
  const endMs = millis(end);
  if (endMs <= startMs) throw new CaptionRejected(lineNumber, `the cue ends (${timing[2]}) before or when it starts (${timing[1]}); its end must come after its start.`);
  return { startMs, endMs, rest: timing[3] ?? '' };
}

/** Cue text lines: none may hold a timing, which means a blank line is missing before it. */
function cueText(lines: string[], firstNumber: number, format: CaptionFormat): string {
  lines.forEach((line, i) => {
    if (line.includes('-->')) throw new CaptionRejected(firstNumber + i, `a cue timing inside a cue's text: ${quoted(line)}. Leave a blank line between cues.`);
  });
  return sanitizeCueText(lines.map((l) => l.trimEnd()).join('\n'), format);
}

/**
 * WebVTT: the header line, header lines up to the first blank one, then blocks: cues (an optional
 * identifier, the timing, the text), NOTE comments, STYLE and REGION blocks. Comments, styles
 * and regions are dropped: a style sheet is CSS from a stranger that the browser would apply.
 */
function readVtt(lines: string[]): Cue[] {
  if (!VTT_HEADER.test(lines[0]!)) throw new CaptionRejected(1, `a WebVTT file starts with the line WEBVTT, found ${quoted(lines[0]!)}.`);
  let i = 1;
  for (; i < lines.length && !isBlank(lines[i]!); i++) {
    if (lines[i]!.includes('-->')) throw new CaptionRejected(i + 1, 'a cue right after the header: leave a blank line after the WEBVTT line.');
  }
  const cues: Cue[] = [];
  for (const block of blocks(lines, i)) {
    const [first] = block.lines;
    if (/^NOTE(?:[ \t]|$)/.test(first!) || /^(?:STYLE|REGION)[ \t]*$/.test(first!)) {
      const timing = block.lines.findIndex((l) => l.includes('-->'));
      if (timing !== -1) throw new CaptionRejected(block.first + timing, `a cue timing inside a ${first!.split(/[ \t]/)[0]} block: leave a blank line before the cue.`);
      continue;
    }
    const hasId = !first!.includes('-->');
    // "00:00:01.000 -> 00:00:02.000" is a timing with a typo, not an identifier: it is the line to name.
    if (hasId && LOOKS_LIKE_TIMING.test(first!)) readTiming(first!, block.first, 'vtt');
    const timingIndex = hasId ? 1 : 0;
    const timingLine = block.lines[timingIndex];
    if (timingLine === undefined) throw new CaptionRejected(block.first + 1, `expected a cue timing after the line ${quoted(first!)}, found a blank line.`);
    const { startMs, endMs, rest } = readTiming(timingLine, block.first + timingIndex, 'vtt');
    const text = cueText(block.lines.slice(timingIndex + 1), block.first + timingIndex + 1, 'vtt');
    cues.push({ id: hasId ? first!.trim() : null, startMs, endMs, settings: sanitizeSettings(rest), text });
  }
  return cues;
}

/** SRT: blocks of the cue's number, its timing (commas before milliseconds), then its text. */
function readSrt(lines: string[]): Cue[] {
  const cues: Cue[] = [];
  for (const block of blocks(lines, 0)) {
    const [number, timingLine] = block.lines;
    if (!SRT_NUMBER.test(number!.trim())) {
      const what = number!.includes('-->') ? ' (each SRT cue starts with its number on a line of its own)' : '';
      throw new CaptionRejected(block.first, `expected the cue's number, found ${quoted(number!)}${what}.`);
    }
    if (timingLine === undefined) throw new CaptionRejected(block.first + 1, 'expected a cue timing such as 00:00:01,000 --> 00:00:02,500 after the cue number, found a blank line.');
    // What may follow the times (X1: … Y2: display coordinates of old players) is not kept.
    const { startMs, endMs } = readTiming(timingLine, block.first + 1, 'srt');
    cues.push({ id: null, startMs, endMs, settings: '', text: cueText(block.lines.slice(2), block.first + 2, 'srt') });
  }
  return cues;
}
