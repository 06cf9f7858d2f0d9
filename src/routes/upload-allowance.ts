import type { SiteSettingsStore } from '../settings/site-settings.js';
import { findUploadLimits, type UploadLimits } from '../settings/upload-limits.js';
import { findUploadUsage, type UploadUsage } from '../db/upload-quotas.js';
import type { Queryable } from '../db/pool.js';
import { formatBytes } from '../format.js';

/**
 * What the upload page and the studio tell a creator of their limits (the site's, or their
 * account's own) and how much of each they have used: the same figures the upload is judged by
 * (src/http/upload-limits.ts), so the page never promises what the server then refuses.
 */
export interface UploadAllowance {
  maxUploadBytes: number;
  maxUpload: string;
  uploadsToday: number;
  uploadsPerDay: number;
  bytesToday: string;
  bytesPerDay: string;
  stored: string;
  quota: string;
  /** Share of the storage quota used, 0–100, for a <meter>. */
  storedPercent: number;
}

export function describeAllowance(limits: UploadLimits, usage: UploadUsage): UploadAllowance {
  const bytesToday = usage.recent.reduce((sum, r) => sum + r.bytes, 0);
  return {
    maxUploadBytes: limits.maxUploadBytes,
    maxUpload: formatBytes(limits.maxUploadBytes),
    uploadsToday: usage.recent.length,
    uploadsPerDay: limits.uploadsPerDay,
    bytesToday: formatBytes(bytesToday),
    bytesPerDay: formatBytes(limits.uploadBytesPerDay),
    stored: formatBytes(usage.storedBytes),
    quota: formatBytes(limits.storageQuotaBytes),
    storedPercent: Math.min(100, Math.round((usage.storedBytes / limits.storageQuotaBytes) * 1000) / 10),
  };
}

/** The account's allowance now: its limits and its usage, read together. */
export async function findUploadAllowance(db: Queryable, settings: SiteSettingsStore, userId: number): Promise<UploadAllowance> {
  const [limits, usage] = await Promise.all([findUploadLimits(db, settings, userId), findUploadUsage(db, userId)]);
  return describeAllowance(limits, usage);
}
