import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from './paths.js';

/**
 * Every environment variable Tubestead reads, with its default and its check, in one table.
 * The README's configuration table is written from this one; keep them together.
 */
export interface Config {
  port: number;
  host: string;
  publicUrl: URL;
  dataDir: string;
  databaseUrl: string | null;
  databasePoolMax: number;
  sessionSecret: string | null;
  sessionIdleHours: number;
  sessionMaxDays: number;
  trustProxy: boolean | number | string;
  logLevel: string;
  siteName: string;
  loginMaxFailures: number;
  loginMaxFailuresPerAddress: number;
  signupMaxPerHour: number;
  maxAvatarBytes: number;
  maxUploadBytes: number;
  maxVideoSeconds: number;
  maxVideoDimension: number;
  maxVideoPixels: number;
  maxVideoFps: number;
  ffmpegPath: string | null;
  ffprobePath: string | null;
  ffmpegPreset: string;
  ffmpegMemoryMb: number;
  ffprobeMemoryMb: number;
  probesMaxConcurrent: number;
  probeWaitSeconds: number;
  encodeTimeLimitFactor: number;
  uploadsPerDay: number;
  uploadBytesPerDay: number;
  uploadsProcessingMax: number;
  storageQuotaBytes: number;
  webProcesses: number;
  worker: boolean;
  workerConcurrency: number;
  keepOriginals: boolean;
  pageCacheSeconds: number;
  pageCacheMb: number;
  sitemapUrlsPerFile: number;
  viewsPerHour: number;
  searchesPerMinute: number;
  avatarUploadsPerHour: number;
  commentsPerMinute: number;
  commentsPerDay: number;
  /** Reports one account may send (issue 13); beyond, 429 and nothing written. */
  reportsPerHour: number;
  reportsPerDay: number;
  /** API requests per minute, per account using access tokens (or per client address without one), issue 15. */
  apiRequestsPerMinute: number;
  /** Videos one playlist may hold (issue 12); at the limit, adding says so. */
  playlistMaxItems: number;
  /** Playlists one account may keep, Watch later not counted. */
  playlistsPerAccount: number;
  /** Where mail goes (issue 14): an SMTP server's URL; with MAIL_FROM, mail is on. */
  smtpUrl: string | null;
  mailFrom: string | null;
  /** smtp (through SMTP_URL), log (each mail written to the log, for development) or off. */
  mailTransport: 'smtp' | 'log' | 'off';
  /** How long notification mail waits, so that a burst goes as one message. */
  mailBatchSeconds: number;
}

type Parser<T> = (raw: string) => T;

interface Variable<K extends keyof Config> {
  name: string;
  key: K;
  default: string | null;
  parse: Parser<Config[K]>;
}

class BadValue extends Error {}

const integer = (min: number, max: number): Parser<number> => (raw) => {
  if (!/^\d+$/.test(raw)) throw new BadValue(`must be a whole number from ${min} to ${max}`);
  const n = Number(raw);
  if (n < min || n > max) throw new BadValue(`must be a whole number from ${min} to ${max}`);
  return n;
};

const text = (pattern?: RegExp, hint?: string): Parser<string> => (raw) => {
  if (pattern && !pattern.test(raw)) throw new BadValue(hint ?? `must match ${pattern}`);
  return raw;
};

const absoluteHttpUrl: Parser<URL> = (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadValue('must be an absolute URL such as https://videos.example.org');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BadValue('must start with http:// or https://');
  if (url.pathname !== '/' || url.search || url.hash) throw new BadValue('must be an origin with no path, query or fragment');
  return url;
};

/** A URL with one of `schemes` (as written: 'postgres', 'postgresql'), kept as typed. */
const urlOf = (schemes: string[], example: string): Parser<string> => (raw) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new BadValue(`must be a URL such as ${example}`);
  }
  if (!schemes.includes(url.protocol.slice(0, -1))) throw new BadValue(`must start with ${schemes.map((s) => `${s}://`).join(' or ')}`);
  return raw;
};

const postgresUrl = urlOf(['postgres', 'postgresql'], 'postgres://user:password@host:5432/tubestead');

// Express's "trust proxy": true, a hop count, or a comma-separated list of addresses,
// subnets and the names loopback / linklocal / uniquelocal.
const trustProxy: Parser<boolean | number | string> = (raw) => {
  if (raw === 'true') return true;
  if (raw === 'false' || raw === '') return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  if (/^[0-9a-zA-Z.:/,\s]+$/.test(raw)) return raw;
  throw new BadValue('must be true, false, a number of proxies, or a comma-separated list of addresses or subnets');
};

/** Each web process holds a pool of DATABASE_POOL_MAX connections, and Postgres allows about 100. */
const MAX_WEB_PROCESSES = 8;
/** How many web processes serve requests: `auto` is one per core the machine has (at most 8). */
const processCount: Parser<number> = (raw) => {
  if (raw === 'auto') return Math.min(os.availableParallelism(), MAX_WEB_PROCESSES);
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_WEB_PROCESSES) throw new BadValue(`must be auto or a whole number from 1 to ${MAX_WEB_PROCESSES}`);
  return Number(raw);
};

const onOff: Parser<boolean> = (raw) => {
  if (/^(on|true|1|yes)$/i.test(raw)) return true;
  if (/^(off|false|0|no)$/i.test(raw)) return false;
  throw new BadValue('must be on or off');
};

const smtpUrl = urlOf(['smtp', 'smtps'], 'smtps://user:password@mail.example.org:465');

// An address, optionally with a name: "Videos <videos@example.org>" or videos@example.org.
const mailFrom = text(/^(?:[^<>\r\n]{0,100}<[^\s<>@]+@[^\s<>@]+>|[^\s<>@]+@[^\s<>@]+)$/, 'must be an address such as videos@example.org or "Videos <videos@example.org>"');

const logLevel = text(/^(fatal|error|warn|info|debug|trace|silent)$/, 'must be one of fatal, error, warn, info, debug, trace, silent');

export const VARIABLES = [
  { name: 'PORT', key: 'port', default: '3000', parse: integer(0, 65535) },
  { name: 'HOST', key: 'host', default: '127.0.0.1', parse: text(/^[0-9a-zA-Z.:-]+$/, 'must be a host name or an IP address') },
  { name: 'PUBLIC_URL', key: 'publicUrl', default: null, parse: absoluteHttpUrl },
  { name: 'DATA_DIR', key: 'dataDir', default: './var', parse: (raw: string) => path.resolve(ROOT_DIR, text(/./, 'must not be empty')(raw)) },
  { name: 'DATABASE_URL', key: 'databaseUrl', default: null, parse: postgresUrl },
  { name: 'DATABASE_POOL_MAX', key: 'databasePoolMax', default: '10', parse: integer(1, 200) },
  { name: 'SESSION_SECRET', key: 'sessionSecret', default: null, parse: text(/^.{32,}$/s, 'must be at least 32 characters long') },
  { name: 'SESSION_IDLE_HOURS', key: 'sessionIdleHours', default: '336', parse: integer(1, 24 * 365) },
  { name: 'SESSION_MAX_DAYS', key: 'sessionMaxDays', default: '30', parse: integer(1, 365) },
  { name: 'TRUST_PROXY', key: 'trustProxy', default: 'false', parse: trustProxy },
  { name: 'LOG_LEVEL', key: 'logLevel', default: 'info', parse: logLevel },
  { name: 'SITE_NAME', key: 'siteName', default: 'Tubestead', parse: text(/^.{1,60}$/, 'must be 1 to 60 characters') },
  { name: 'LOGIN_MAX_FAILURES', key: 'loginMaxFailures', default: '5', parse: integer(1, 1000) },
  { name: 'LOGIN_MAX_FAILURES_PER_ADDRESS', key: 'loginMaxFailuresPerAddress', default: '20', parse: integer(1, 10000) },
  { name: 'SIGNUP_MAX_PER_HOUR', key: 'signupMaxPerHour', default: '5', parse: integer(1, 10000) },
  { name: 'MAX_AVATAR_BYTES', key: 'maxAvatarBytes', default: String(10 * 1024 * 1024), parse: integer(1024, 100 * 1024 * 1024) },
  { name: 'MAX_UPLOAD_BYTES', key: 'maxUploadBytes', default: String(4 * 1024 ** 3), parse: integer(1024, 1024 ** 4) },
  { name: 'MAX_VIDEO_SECONDS', key: 'maxVideoSeconds', default: String(4 * 60 * 60), parse: integer(1, 48 * 60 * 60) },
  { name: 'MAX_VIDEO_DIMENSION', key: 'maxVideoDimension', default: '8192', parse: integer(16, 16384) },
  { name: 'MAX_VIDEO_PIXELS', key: 'maxVideoPixels', default: String(4096 * 2304), parse: integer(256, 16384 * 16384) },
  { name: 'MAX_VIDEO_FPS', key: 'maxVideoFps', default: '120', parse: integer(1, 1000) },
  { name: 'FFMPEG_PATH', key: 'ffmpegPath', default: null, parse: text(/^\//, 'must be an absolute path to an ffmpeg binary') },
  { name: 'FFPROBE_PATH', key: 'ffprobePath', default: null, parse: text(/^\//, 'must be an absolute path to an ffprobe binary') },
  { name: 'FFMPEG_PRESET', key: 'ffmpegPreset', default: 'veryfast', parse: text(/^(ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow)$/, 'must be an x264 preset: ultrafast … veryslow') },
  { name: 'FFMPEG_MEMORY_MB', key: 'ffmpegMemoryMb', default: '2048', parse: integer(64, 1024 * 1024) },
  { name: 'FFPROBE_MEMORY_MB', key: 'ffprobeMemoryMb', default: '512', parse: integer(32, 1024 * 1024) },
  { name: 'PROBES_MAX_CONCURRENT', key: 'probesMaxConcurrent', default: '2', parse: integer(1, 64) },
  { name: 'PROBE_WAIT_SECONDS', key: 'probeWaitSeconds', default: '30', parse: integer(0, 600) },
  { name: 'ENCODE_TIME_LIMIT_FACTOR', key: 'encodeTimeLimitFactor', default: '5', parse: integer(1, 1000) },
  { name: 'UPLOADS_PER_DAY', key: 'uploadsPerDay', default: '20', parse: integer(1, 1_000_000) },
  { name: 'UPLOAD_BYTES_PER_DAY', key: 'uploadBytesPerDay', default: String(20 * 1024 ** 3), parse: integer(1024, 1024 ** 5) },
  { name: 'UPLOADS_PROCESSING_MAX', key: 'uploadsProcessingMax', default: '3', parse: integer(1, 10_000) },
  { name: 'STORAGE_QUOTA_BYTES', key: 'storageQuotaBytes', default: String(100 * 1024 ** 3), parse: integer(1024, 1024 ** 5) },
  { name: 'WEB_PROCESSES', key: 'webProcesses', default: 'auto', parse: processCount },
  { name: 'WORKER', key: 'worker', default: 'on', parse: onOff },
  { name: 'WORKER_CONCURRENCY', key: 'workerConcurrency', default: '1', parse: integer(1, 16) },
  { name: 'KEEP_ORIGINALS', key: 'keepOriginals', default: 'on', parse: onOff },
  { name: 'PAGE_CACHE_SECONDS', key: 'pageCacheSeconds', default: '30', parse: integer(0, 3600) },
  { name: 'PAGE_CACHE_MB', key: 'pageCacheMb', default: '64', parse: integer(1, 4096) },
  { name: 'SITEMAP_URLS_PER_FILE', key: 'sitemapUrlsPerFile', default: '50000', parse: integer(1, 50_000) },
  { name: 'VIEWS_PER_HOUR', key: 'viewsPerHour', default: '300', parse: integer(1, 1_000_000) },
  { name: 'SEARCHES_PER_MINUTE', key: 'searchesPerMinute', default: '30', parse: integer(1, 1_000_000) },
  { name: 'AVATAR_UPLOADS_PER_HOUR', key: 'avatarUploadsPerHour', default: '10', parse: integer(1, 1_000_000) },
  { name: 'COMMENTS_PER_MINUTE', key: 'commentsPerMinute', default: '5', parse: integer(1, 1_000_000) },
  { name: 'COMMENTS_PER_DAY', key: 'commentsPerDay', default: '200', parse: integer(1, 1_000_000) },
  { name: 'REPORTS_PER_HOUR', key: 'reportsPerHour', default: '20', parse: integer(1, 1_000_000) },
  { name: 'REPORTS_PER_DAY', key: 'reportsPerDay', default: '100', parse: integer(1, 1_000_000) },
  { name: 'API_REQUESTS_PER_MINUTE', key: 'apiRequestsPerMinute', default: '300', parse: integer(1, 1_000_000) },
  { name: 'PLAYLIST_MAX_ITEMS', key: 'playlistMaxItems', default: '5000', parse: integer(1, 100_000) },
  { name: 'PLAYLISTS_PER_ACCOUNT', key: 'playlistsPerAccount', default: '500', parse: integer(1, 100_000) },
  { name: 'SMTP_URL', key: 'smtpUrl', default: null, parse: smtpUrl },
  { name: 'MAIL_FROM', key: 'mailFrom', default: null, parse: mailFrom },
  { name: 'MAIL_TRANSPORT', key: 'mailTransport', default: 'smtp', parse: text(/^(smtp|log|off)$/, 'must be smtp, log or off') as Parser<'smtp' | 'log' | 'off'> },
  { name: 'MAIL_BATCH_SECONDS', key: 'mailBatchSeconds', default: '60', parse: integer(0, 3600) },
] as const satisfies readonly Variable<keyof Config>[];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from `env`; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const variable of VARIABLES) {
    const raw = env[variable.name]?.trim();
    const chosen = raw === undefined || raw === '' ? variable.default : raw;
    if (chosen === null) {
      values[variable.key] = null;
      continue;
    }
    try {
      values[variable.key] = variable.parse(chosen);
    } catch (err) {
      if (!(err instanceof BadValue)) throw err;
      problems.push(`${variable.name}=${JSON.stringify(raw)} ${err.message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const config = values as unknown as Config;
  config.publicUrl ??= new URL(`http://localhost:${config.port}/`);
  return config;
}

/**
 * Whether the site sends mail: MAIL_TRANSPORT=log always (to the log), smtp once SMTP_URL and
 * MAIL_FROM are both set. Without mail, the pages that need it say so.
 */
export function mailEnabled(config: Pick<Config, 'mailTransport' | 'smtpUrl' | 'mailFrom'>): boolean {
  return config.mailTransport === 'log' || (config.mailTransport === 'smtp' && config.smtpUrl !== null && config.mailFrom !== null);
}

export function isHttps(config: Pick<Config, 'publicUrl'>): boolean {
  return config.publicUrl.protocol === 'https:';
}

/**
 * The session secret: SESSION_SECRET when set, otherwise one generated on first start and
 * kept in DATA_DIR/secrets so that sessions survive a restart.
 */
export function resolveSessionSecret(config: Pick<Config, 'sessionSecret' | 'dataDir'>): string {
  if (config.sessionSecret) return config.sessionSecret;
  const dir = path.join(config.dataDir, 'secrets');
  const file = path.join(dir, 'session-secret');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    fs.writeFileSync(file, crypto.randomBytes(48).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (err) {
    // 'wx' fails when the file exists: a second start, or another process won the race.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return fs.readFileSync(file, 'utf8').trim();
}
