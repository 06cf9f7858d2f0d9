import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/*
 * Temporary files (uploads being received, ffmpeg outputs being made) live under
 * DATA_DIR/tmp/<kind>/<host>-<pid>/, so that a process cleaning up after a crash removes what
 * dead processes left and never what a live one, sharing the same DATA_DIR, is writing.
 */

const processDirName = `${os.hostname()}-${process.pid}`;

export function processTempDir(dataDir: string, kind: 'uploads' | 'work'): string {
  return path.join(dataDir, 'tmp', kind, processDirName);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the temporary directories of processes of this host that are no longer running. */
export async function removeStaleTempDirs(dataDir: string, kind: 'uploads' | 'work'): Promise<void> {
  const root = path.join(dataDir, 'tmp', kind);
  const prefix = `${os.hostname()}-`;
  let entries: string[];
  try {
    entries = await fs.promises.readdir(root);
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length));
    if (!Number.isInteger(pid) || (pid !== process.pid && !isAlive(pid))) {
      await fs.promises.rm(path.join(root, entry), { recursive: true, force: true });
    }
  }
}
