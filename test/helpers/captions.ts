import type { Agent } from './agent.js';
import { tokenOf } from './check-params.js';

/** Sends the studio's caption form (multipart, the token in the query string) as the page does. */
export async function uploadCaptions(agent: Agent, video: { publicId: string }, content: string | Buffer, fields: Record<string, string> = { language: 'en', label: 'English' }, name = 'captions.vtt') {
  const token = await tokenOf(agent, '/settings');
  let request = agent.post(`/studio/videos/${video.publicId}/captions?_csrf=${encodeURIComponent(token)}`);
  for (const [field, value] of Object.entries(fields)) request = request.field(field, value);
  return request.attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), name);
}
