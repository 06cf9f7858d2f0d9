import type { Express } from 'express';
import supertest from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';

export type Agent = InstanceType<typeof TestAgent>;

/** The CSRF token a page carries (its meta tag, or the first form's hidden field). */
export function csrfFrom(html: string): string {
  const match = html.match(/name="csrf-token" content="([^"]+)"/) ?? html.match(/name="_csrf" value="([^"]+)"/);
  if (!match?.[1]) throw new Error('No CSRF token on this page');
  return match[1];
}

/** GETs `path` with the agent and returns the CSRF token on it. */
export async function tokenFor(agent: Agent, path = '/login'): Promise<string> {
  const res = await agent.get(path);
  return csrfFrom(res.text);
}

/** An agent signed in through the real sign-in form. */
export async function signedInAgent(app: Express, user: { handle: string; password: string }): Promise<Agent> {
  const agent = supertest.agent(app);
  const token = await tokenFor(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf: token, login: user.handle, password: user.password });
  if (res.status !== 303) throw new Error(`signing in ${user.handle} answered ${res.status}`);
  return agent;
}

/** The session cookie's value as the agent holds it. */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | null {
  const cookies = res.headers['set-cookie'];
  const list = Array.isArray(cookies) ? cookies : typeof cookies === 'string' ? [cookies] : [];
  const cookie = list.find((c: string) => c.startsWith('tubestead=') || c.startsWith('__Host-tubestead='));
  return cookie ? cookie.split(';')[0]!.split('=')[1]! : null;
}
