/**
 * The application for `npm run bench`, served as `npm start` serves it (WEB_PROCESSES web
 * processes on one port, node:cluster), with two baselines beside the site in each process:
 * - GET /__bare/:bytes sends a static body of that size from a plain Express handler, the
 *   baseline each page of the single-address table is compared with;
 * - a bare `node:http` server on BARE_PORT answers any request with one static body, whose size
 *   the bench sets by message ({ bareBytes }, answered 'bare-ready'): the mixed mode's baseline,
 *   in as many processes as the site.
 * Not part of the site.
 */
import cluster, { type Worker } from 'node:cluster';
import http from 'node:http';
import express from 'express';
import { createApp } from '../src/app.js';
import { loadConfig, resolveSessionSecret } from '../src/config.js';
import { listenForPageEvents } from '../src/db/page-events.js';
import { createPool } from '../src/db/pool.js';
import { startQueue } from '../src/jobs/queue.js';
import { createLogger } from '../src/log.js';

const config = loadConfig();
const logger = createLogger(config.logLevel);

if (cluster.isPrimary) {
  resolveSessionSecret(config);
  // As server.ts does: the queues are made once here, before web processes that would race to
  // make them (pg-boss deadlocks creating the same queue twice at once).
  await (await startQueue(config.databaseUrl!, logger, { supervise: false, secret: resolveSessionSecret(config) })).stop();
  const workers: Worker[] = Array.from({ length: config.webProcesses }, () => cluster.fork());
  const all = (event: string) => Promise.all(workers.map((w) => new Promise<void>((resolve) => {
    const onMessage = (message: unknown) => {
      if (message !== event) return;
      w.off('message', onMessage);
      resolve();
    };
    w.on('message', onMessage);
  })));
  await all('ready');
  process.on('message', (message: { bareBytes?: number }) => {
    if (typeof message?.bareBytes !== 'number') return;
    void all('bare-ready').then(() => process.send?.('bare-ready'));
    for (const w of workers) w.send(message);
  });
  process.send?.('ready');
  // A normal exit of every process, so that --cpu-prof (BENCH_PROFILE) writes their profiles.
  process.on('SIGTERM', () => {
    let left = workers.length;
    for (const w of workers) {
      w.once('exit', () => {
        if (--left === 0) process.exit(0);
      });
      w.process.kill('SIGTERM');
    }
  });
} else {
  const pool = createPool(config.databaseUrl!, config.databasePoolMax);
  const queue = await startQueue(config.databaseUrl!, logger, { supervise: false, secret: resolveSessionSecret(config) });
  const app = createApp({
    config, pool, logger, sessionSecret: resolveSessionSecret(config), queue,
    // As the site's processes do (web-processes.ts), however many there are.
    pageEvents: (markStale) => listenForPageEvents(config.databaseUrl!, pool, logger, markStale),
  });

  const bodies = new Map<number, Buffer>();
  const outer = express();
  outer.get('/__bare/:bytes', (req, res) => {
    const size = Math.min(10_000_000, Number(req.params.bytes) || 0);
    if (!bodies.has(size)) bodies.set(size, Buffer.alloc(size, 'x'));
    res.type('html').send(bodies.get(size));
  });
  outer.use(app);

  let bareBody = Buffer.alloc(0);
  process.on('message', (message: { bareBytes?: number }) => {
    if (typeof message?.bareBytes !== 'number') return;
    bareBody = Buffer.alloc(message.bareBytes, 'x');
    process.send?.('bare-ready');
  });
  // The request's body (a write of the mix) is read before answering, as the site reads it.
  const bare = http.createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': bareBody.length });
      res.end(bareBody);
    });
  });
  bare.listen(Number(process.env.BARE_PORT ?? 0), '127.0.0.1', () => {
    outer.listen(config.port, '127.0.0.1', () => process.send?.('ready'));
  });
  process.on('SIGTERM', () => process.exit(0));
}
