import path from 'node:path';
import { fileURLToPath } from 'node:url';

// This file sits one level below the project root both as src/paths.ts (tsx) and as
// dist/paths.js (compiled), so the root is the same either way.
export const ROOT_DIR = path.resolve(fileURLToPath(new URL('..', import.meta.url)));
export const VIEWS_DIR = path.join(ROOT_DIR, 'src', 'views');
export const PUBLIC_DIR = path.join(ROOT_DIR, 'public');
export const MIGRATIONS_DIR = path.join(ROOT_DIR, 'sql', 'migrations');
