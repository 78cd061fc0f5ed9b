import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { AuthFailureLimiter } from '../access/auth-failure-limiter';
import { Authenticator, IdentityProviderUnavailable, TokenRejected } from '../access/authenticator';
import type { Principal } from '../access/principal';
import { RemindersRuntime } from './reminders.runtime';

export const QUEUE_BOARD_PATH = '/admin/queues';

/**
 * Bull Board's page needs what the API's default policy (helmet's) does not give it: styles inline and from Google
 * Fonts, its fonts from there, and plain-HTTP subresources on an intranet (no `upgrade-insecure-requests`). Scripts
 * stay same-origin only; this policy applies under /admin/queues and nowhere else.
 */
export const QUEUE_BOARD_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline' https://fonts.googleapis.com",
  "font-src 'self' data: https://fonts.gstatic.com",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const REALM = 'Bearer realm="sinergi"';

type BoardServer = Parameters<typeof createBullBoard>[0]['serverAdapter'];

type Refusal = { status: 401 | 403 | 429 | 503; rule: string; message: string; headers?: Record<string, string> };

/**
 * Who the request speaks for, by the same bearer token and authenticators as the API's AuthGuard (and the same
 * brake on addresses that keep presenting bad tokens); a refusal otherwise. Neither the token nor the header is logged.
 */
async function admitted(request: Request, authenticator: Authenticator, limiter: AuthFailureLimiter): Promise<Principal | Refusal> {
  const header = request.header('authorization');
  if (header === undefined) {
    return { status: 401, rule: 'tokenMissing', message: 'sign in: send a bearer token in the Authorization header', headers: { 'WWW-Authenticate': REALM } };
  }
  const token = /^Bearer +([\x21-\x7e]+) *$/i.exec(header)?.[1];
  if (token === undefined) {
    return { status: 401, rule: 'malformedAuthorization', message: 'the Authorization header must read "Bearer <token>"', headers: { 'WWW-Authenticate': `${REALM}, error="invalid_request"` } };
  }
  const address = request.ip ?? 'unknown';
  const tooMany = (retryAfter: number): Refusal => ({ status: 429, rule: 'tooManyAuthenticationFailures', message: `too many refused tokens from this address; try again in ${retryAfter} s`, headers: { 'Retry-After': String(retryAfter) } });
  const retryAfter = limiter.retryAfterSeconds(address, token);
  if (retryAfter !== undefined) return tooMany(retryAfter);
  let reason = 'the token is neither a Sinergi API token nor a JWT of the configured identity provider';
  try {
    const principal = await authenticator.authenticate(token);
    if (principal) return principal;
  } catch (error) {
    if (error instanceof IdentityProviderUnavailable) return { status: 503, rule: 'identityProviderUnavailable', message: error.message };
    if (!(error instanceof TokenRejected)) throw error;
    reason = error.reason;
  }
  const addressRetryAfter = limiter.recordFailure(address, token);
  if (addressRetryAfter !== undefined) return tooMany(addressRetryAfter);
  return { status: 401, rule: 'invalidToken', message: reason, headers: { 'WWW-Authenticate': `${REALM}, error="invalid_token", error_description="${reason.replace(/"/g, "'")}"` } };
}

/** Lets admins through, with the board's own content security policy; answers everyone else as the API would. */
function adminsOnly(authenticator: Authenticator, limiter: AuthFailureLimiter): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    admitted(request, authenticator, limiter).then(
      (outcome) => {
        if ('status' in outcome) {
          for (const [name, value] of Object.entries(outcome.headers ?? {})) response.setHeader(name, value);
          response.status(outcome.status).json({ statusCode: outcome.status, message: outcome.message, rule: outcome.rule });
          return;
        }
        if (outcome.role !== 'admin') {
          response.status(403).json({ statusCode: 403, message: `a user with the role ${outcome.role} may not see the reminder queues`, rule: 'RoleNotAllowed' });
          return;
        }
        // Replaces the header helmet set for the whole application, for this path only.
        response.setHeader('Content-Security-Policy', QUEUE_BOARD_CONTENT_SECURITY_POLICY);
        next();
      },
      (error: unknown) => next(error),
    );
  };
}

/**
 * Bull Board at /admin/queues for the reminder queue, for admins only: mounted when reminders are on (there is no
 * queue otherwise, and the path answers 404 like any unknown one).
 */
export function mountQueueBoard(app: NestExpressApplication): void {
  const scheduler = app.get(RemindersRuntime).scheduler;
  if (!scheduler) return;
  const board = new ExpressAdapter();
  board.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(scheduler.timers.queue)],
    // @bull-board/express 9.10.1 is typed against its own copy of @bull-board/api (9.10.1), whose classes differ from
    // 9.10.2's only by private members: the adapter is the same at run time.
    serverAdapter: board as unknown as BoardServer,
    options: { uiConfig: { boardTitle: 'Sinergi: antrean pengingat' } },
  });
  const router: RequestHandler = board.getRouter();
  app.use(QUEUE_BOARD_PATH, adminsOnly(app.get(Authenticator), app.get(AuthFailureLimiter)), router);
}
