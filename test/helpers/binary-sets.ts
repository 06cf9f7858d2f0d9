import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';

const require = createRequire(import.meta.url);

export interface BinarySet {
  name: 'system' | 'bundled';
  /** FFMPEG_PATH and FFPROBE_PATH for createTestApp. */
  env: { FFMPEG_PATH: string; FFPROBE_PATH: string };
}

function onPath(name: string): string | null {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}

/**
 * Every ffmpeg the site may run with: the system's (Debian's, which gets security updates) and
 * the npm-bundled fallback (a 2018 build). Hostile-file tests run once per set, so the fallback
 * is held to the same refusals. Under CI=true a missing system ffmpeg fails the run: .ci/run
 * installs it, and without it half of these tests would silently not run.
 */
export function binarySets(): BinarySet[] {
  const sets: BinarySet[] = [];
  const ffmpeg = onPath('ffmpeg');
  const ffprobe = onPath('ffprobe');
  if (ffmpeg && ffprobe) sets.push({ name: 'system', env: { FFMPEG_PATH: ffmpeg, FFPROBE_PATH: ffprobe } });
  else if (process.env.CI === 'true') throw new Error('CI=true but no system ffmpeg/ffprobe on PATH: .ci/run should have installed Debian\'s ffmpeg');
  else console.warn('No system ffmpeg: the hostile-file tests run with the bundled one only (apt-get install ffmpeg).');
  const bundled = (pkg: string) => (require(pkg) as { path: string }).path;
  sets.push({ name: 'bundled', env: { FFMPEG_PATH: bundled('@ffmpeg-installer/ffmpeg'), FFPROBE_PATH: bundled('@ffprobe-installer/ffprobe') } });
  return sets;
}
