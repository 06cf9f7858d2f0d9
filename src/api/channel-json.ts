import type { User } from '../db/users.js';
import { avatarUrl, type Storage } from '../media/index.js';

/** The avatar size the API links to: the largest kept. */
const API_AVATAR_SIZE = 352;

/** A channel (an account's public face) as the API shows it: the `Channel` schema. */
export function channelJson(user: User, storage: Storage, publicUrl: URL | string) {
  const absolute = (path: string) => new URL(path, publicUrl).href;
  return {
    handle: user.handle,
    displayName: user.displayName,
    bio: user.bio,
    avatarUrl: user.avatarKey ? absolute(avatarUrl(storage, user.avatarKey, API_AVATAR_SIZE)) : null,
    url: absolute(`/@${user.handle}`),
    subscriberCount: user.subscriberCount,
    createdAt: user.createdAt.toISOString(),
  };
}
