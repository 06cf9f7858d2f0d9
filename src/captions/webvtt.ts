import type { Cue } from './parse.js';

/** 01:02:03.004: hours always written, so every served file reads the same way. */
export function vttTimestamp(ms: number): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor(ms / 60_000) % 60;
  const seconds = Math.floor(ms / 1000) % 60;
  return `${pad(hours)}:${pad(minutes)}:${pad(seconds)}.${pad(ms % 1000, 3)}`;
}

/** The cues as a WebVTT file: the header, then each cue (identifier, timing, text) after a blank line. */
export function toWebVtt(cues: Cue[]): string {
  const blocks = cues.map((cue) => {
    const timing = `${vttTimestamp(cue.startMs)} --> ${vttTimestamp(cue.endMs)}${cue.settings ? ` ${cue.settings}` : ''}`;
    return [cue.id, timing, cue.text].filter((part) => part !== null && part !== '').join('\n');
  });
  return `WEBVTT\n\n${blocks.join('\n\n')}\n`;
}
