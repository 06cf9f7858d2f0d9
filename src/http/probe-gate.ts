import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './errors.js';

/** Past this many uploads in line, more are turned away at once: each holds a whole file on disk. */
const MAX_WAITING = 50;
/** As long as one ffprobe may run (PROBE_TIMEOUT_MS): by then a slot has usually turned over. */
const BUSY_RETRY_SECONDS = 30;

/**
 * At most PROBES_MAX_CONCURRENT uploads of this process are judged (ffprobe, then stored) at
 * once; the rest wait in line, first come first served, up to PROBE_WAIT_SECONDS. A probe usually
 * takes well under a second, so a line that does not move for that long means the slots are held
 * by files that keep ffprobe busy to its time limit, which is what a flood of hostile uploads
 * looks like: the uploads behind them get 503 with Retry-After rather than piling up. The slot is
 * held until the answer has gone out (or the client has gone).
 */
export function probeGate(options: { maxConcurrent: number; waitSeconds: number; busyMessage?: string }) {
  let active = 0;
  const waiting: (() => void)[] = [];

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }

  function wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      const take = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiting.splice(waiting.indexOf(take), 1);
        reject(busy(options.busyMessage));
      }, options.waitSeconds * 1000);
      waiting.push(take);
    });
  }

  return async function awaitProbeSlot(_req: Request, res: Response, next: NextFunction): Promise<void> {
    let holding = false;
    let gone = false;
    res.once('close', () => {
      gone = true;
      if (holding) {
        holding = false;
        release();
      }
    });
    if (active < options.maxConcurrent) active++;
    else if (options.waitSeconds === 0 || waiting.length >= MAX_WAITING) throw busy(options.busyMessage);
    // A slot handed over by release() keeps `active` as it is.
    else await wait();
    holding = true;
    // The client left while in line: pass the slot on, there is no one to answer.
    if (gone) {
      holding = false;
      return release();
    }
    next();
  };
}

function busy(message = 'The server is busy checking other uploads. Please send your video again in a minute.'): HttpError {
  return new HttpError(503, message, { 'Retry-After': String(BUSY_RETRY_SECONDS) });
}
