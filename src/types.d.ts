import type { Viewer } from './auth/permissions.js';
import type { Comment } from './db/comments.js';
import type { Person } from './db/people.js';
import type { Playlist } from './db/playlists.js';
import type { Role } from './db/role-admin.js';
import type { BanTarget } from './db/bans.js';
import type { ReportItem } from './db/report-items.js';
import type { User } from './db/users.js';
import type { VideoWithOwner } from './db/videos.js';
import type { Takedown } from './db/takedowns.js';
import type { Appeal } from './db/appeals.js';
import type { TokenHolder } from './db/api-tokens.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The signed-in user, loaded from the session on every request; null when signed out. */
    viewer: Viewer | null;
    /** The video the URL names, put here by the loadVideo step of the route table. */
    video?: VideoWithOwner;
    /** The channel the URL names, put here by the loadChannel step. */
    channel?: User;
    /** The comment the URL names, put here by the loadComment step (its video in `video`). */
    comment?: Comment;
    /** The playlist the URL names, put here by the loadPlaylist step. */
    playlist?: Playlist;
    /** The role /admin/roles/:name names, put here by loadRole (src/routes/people-loaders.ts). */
    adminRole?: Role;
    /** The account /admin/users/:handle names, put here by loadPerson. */
    person?: Person;
    /** The account an /admin/users/:handle/… moderation page acts on, put here by loadBanTarget. */
    banTarget?: BanTarget;
    /** The queue item /admin/reports/:id names, put here by loadReportItem (src/routes/report-items.ts). */
    reportItem?: ReportItem;
    /** The take-down in force on the loaded video (null: none), put here by loadTakedown (src/routes/takedowns.ts). */
    takedown?: Takedown | null;
    /** The appeal /admin/appeals/:id names, put here by loadAppeal (src/routes/admin-appeals.ts). */
    appeal?: Appeal;
    /** The personal access token an /api/v1 request came with (src/api/authenticate.ts); absent otherwise. */
    apiToken?: TokenHolder['token'];
  }
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    /** When the user signed in (ms since the epoch); the absolute lifetime counts from here. */
    signedInAt?: number;
    /**
     * Signed in while banned (src/routes/accounts.ts): the limited state in which every page is
     * the ban notice (src/routes/bans.ts showBanToBanned). A session signed in before its ban
     * lacks it, and is signed out instead (src/http/viewer.ts).
     */
    bannedSignIn?: true;
    flash?: { kind: 'success' | 'error' | 'info'; text: string }[];
    /** Set in the stored copy when the session's row is first written (see http/session.ts). */
    persisted?: true;
  }
}

export {};
