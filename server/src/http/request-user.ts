// Bearer-token authentication for /api routes: the verified user is attached to the request.
// Only user tokens verify (the authenticator refuses service_role, anon and foreign tokens).
import type { Request, RequestHandler } from 'express';
import { TrellisError } from '@trellis/schema';
import type { AuthUser, Authenticator } from '../auth/authenticator.ts';

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthUser;
  }
}

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]{1,8192})$/i;

export function requireUser(auth: Authenticator): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) throw new TrellisError('unauthorized', 'missing or malformed bearer token');
    req.user = (await auth.verify(match[1]!)).user;
    next();
  };
}

/** The authenticated user; routes behind requireUser always have one. */
export function userOf(req: Request): AuthUser {
  if (!req.user) throw new TrellisError('unauthorized', 'not authenticated');
  return req.user;
}
