import type { Viewer } from './auth/permissions.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in user, loaded from the session on every request; null when signed out. */
    viewer: Viewer | null;
  }
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** When the user signed in (ms since the epoch); the absolute lifetime counts from here. */
    signedInAt?: number;
    flash?: { kind: 'success' | 'error' | 'info'; text: string }[];
    /** Set in the stored copy when the session's row is first written (see http/session.ts). */
    persisted?: true;
  }
}

export {};
