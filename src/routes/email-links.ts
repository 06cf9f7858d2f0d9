import type { NextFunction, Request, Response } from 'express';

/**
 * The page a mailed link that no longer works leads to: what happened and what to do now.
 * Used or expired: 410 Gone (it worked once); never issued, or retired by a newer one: 404.
 */
export type LinkProblem = 'used' | 'expired' | 'unknown' | 'taken';

const WORDS: Record<'reset' | 'confirm', Record<LinkProblem, { heading: string; message: string }>> = {
  reset: {
    used: { heading: 'This link has already been used', message: 'Each password reset link works once. If you changed your password with it, sign in with the new one; otherwise ask for a new link.' },
    expired: { heading: 'This link has expired', message: 'Password reset links work for an hour. Ask for a new link, and use it soon after it arrives.' },
    unknown: { heading: 'This link does not work', message: 'This reset link is not one this site sent, or it was cut short: check that the whole address was copied from the mail, or ask for a new link.' },
    taken: { heading: 'This link does not work', message: 'Ask for a new link.' },
  },
  confirm: {
    used: { heading: 'This link has already been used', message: 'Each confirmation link works once. If your settings show the address as confirmed, there is nothing more to do.' },
    expired: { heading: 'This link has expired', message: 'Confirmation links work for 24 hours. Open your settings and send the link again.' },
    unknown: { heading: 'This link does not work', message: 'This confirmation link is not one this site sent, it was cut short, or a link for another address replaced it. Open your settings to see your address and send a new link.' },
    taken: { heading: 'This address belongs to another account', message: 'Another account confirmed this address after the link was sent, so nothing was changed. Open your settings to choose another address.' },
  },
};

export function renderLinkGone(res: Response, problem: LinkProblem, purpose: 'reset' | 'confirm'): void {
  const status = problem === 'unknown' ? 404 : problem === 'taken' ? 409 : 410;
  const { heading, message } = WORDS[purpose][problem];
  res.status(status).render('accounts/link-gone', { title: heading, heading, message, purpose, status });
}

/**
 * For the pages at a mailed link's address: the token in the URL is a key to the account, so
 * no cache keeps the page and no request from it (to /login, a stylesheet) repeats the address
 * in a Referer header, where logs would keep it; nor does the header's "Sign in" link.
 */
export function secretLinkPage(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  res.set('Referrer-Policy', 'no-referrer');
  // The header's "Sign in" link would carry the token in ?next= (to the log, to the next page).
  res.locals.secretLink = true;
  next();
}
