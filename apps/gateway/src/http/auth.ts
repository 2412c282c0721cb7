import type { Role } from '@voicepulse/contracts';
import { roleSchema, userIdSchema } from '@voicepulse/contracts';
import type { NextFunction, Request, Response } from 'express';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import type { GatewayConfig } from '../config';
import { HttpError } from './errors';

export interface AuthContext {
  userId: string;
  role: Role;
}

declare module 'express-serve-static-core' {
  interface Request {
    auth?: AuthContext;
  }
}

export interface Authenticator {
  verify(token: string): Promise<AuthContext>;
  /** Local HS256 only: mints tokens for the dev-token endpoint and `npm run token`. */
  sign?(ctx: AuthContext, ttlSeconds?: number): Promise<{ token: string; expiresAt: Date }>;
}

export function createAuthenticator(config: GatewayConfig): Authenticator {
  // A token without `exp` would be valid forever once leaked.
  const claims = { issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE, requiredClaims: ['exp'] };
  if (config.AUTH_MODE === 'jwks') {
    const jwks: JWTVerifyGetKey = createRemoteJWKSet(new URL(config.AUTH_JWKS_URL!));
    return {
      verify: async (token) =>
        toContext((await jwtVerify(token, jwks, { ...claims, algorithms: ['RS256', 'ES256'] })).payload),
    };
  }
  const key = new TextEncoder().encode(config.AUTH_JWT_SECRET!);
  return {
    verify: async (token) =>
      toContext((await jwtVerify(token, key, { ...claims, algorithms: ['HS256'] })).payload),
    async sign(ctx, ttlSeconds = 12 * 3600) {
      const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
      const token = await new SignJWT({ role: ctx.role })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(ctx.userId)
        .setIssuer(config.AUTH_ISSUER)
        .setAudience(config.AUTH_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
        .sign(key);
      return { token, expiresAt };
    },
  };
}

function toContext(payload: { sub?: string; role?: unknown }): AuthContext {
  const sub = userIdSchema.safeParse(payload.sub);
  if (!sub.success) throw new HttpError(401, 'unauthorized', 'token has no valid subject');
  const role = payload.role === undefined ? 'user' : roleSchema.safeParse(payload.role);
  if (typeof role !== 'string' && !role.success)
    throw new HttpError(401, 'unauthorized', 'token has an unknown role');
  return { userId: sub.data, role: typeof role === 'string' ? role : role.data };
}

const bearer = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

/**
 * Lets `?access_token=` stand in for the header, on GET only: for the few URLs a browser loads
 * without one (EventSource, <audio>, a download link, Bull Board's first page). Mounted on those
 * routes alone, because a token in a URL ends up in histories and proxy logs, and a link must never
 * be able to change anything.
 */
export function acceptQueryToken(req: Request, _res: Response, next: NextFunction) {
  const token = req.query.access_token;
  if (
    !req.headers.authorization &&
    (req.method === 'GET' || req.method === 'HEAD') &&
    typeof token === 'string'
  ) {
    req.headers.authorization = `Bearer ${token}`;
  }
  next();
}

/** Bearer header only; see acceptQueryToken for the routes that take the token from the query. */
export function requireAuth(auth: Authenticator) {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = bearer.exec(req.headers.authorization ?? '')?.[1];
    if (!token && req.query.access_token !== undefined) {
      return next(
        new HttpError(
          401,
          'unauthorized',
          'access_token in the query is accepted only by GET of the status stream, the audio and the corpus export; send an Authorization header',
          undefined,
          { 'WWW-Authenticate': 'Bearer' },
        ),
      );
    }
    if (!token)
      return next(
        new HttpError(401, 'unauthorized', 'missing bearer token', undefined, {
          'WWW-Authenticate': 'Bearer',
        }),
      );
    try {
      req.auth = await auth.verify(token);
      next();
    } catch (err) {
      if (err instanceof HttpError) return next(err);
      const expired = err instanceof joseErrors.JWTExpired;
      next(
        new HttpError(401, 'unauthorized', expired ? 'token expired' : 'invalid token', undefined, {
          'WWW-Authenticate': `Bearer error="invalid_token"`,
        }),
      );
    }
  };
}

export function authOf(req: Request): AuthContext {
  if (!req.auth) throw new HttpError(401, 'unauthorized', 'not authenticated');
  return req.auth;
}

export function requireRole(...roles: Role[]) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const { role } = authOf(req);
    next(
      roles.includes(role)
        ? undefined
        : new HttpError(403, 'forbidden', `requires role ${roles.join(' or ')}`),
    );
  };
}

/**
 * The user a write may act for: itself, or anyone for admins and ingest service tokens (which
 * forward many clients' batches). Throws 403 for a user naming someone else.
 */
export function resolveSubject(req: Request, requested?: string): string {
  const { userId, role } = authOf(req);
  if (requested === undefined || requested === userId) return userId;
  if (role === 'admin' || role === 'ingest') return requested;
  throw new HttpError(403, 'forbidden', 'you may only act for your own user id');
}

/**
 * The user a read is about: itself, or anyone for admins only. Ingest tokens are write-only — one
 * sits in every ingestion relay, so it must not also be a key to everyone's transcripts.
 */
export function readSubject(req: Request, requested?: string): string {
  const { userId, role } = authOf(req);
  if (requested === undefined || requested === userId || role === 'admin') return requested ?? userId;
  throw new HttpError(403, 'forbidden', 'you may only read your own data');
}

/** The owner filter for reads: admins see everything, others only their own rows. */
export function ownerFilter(req: Request): string | null {
  const { userId, role } = authOf(req);
  return role === 'admin' ? null : userId;
}
