import {
  type CanActivate,
  type ExecutionContext,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { ALLOWED_ROLES, type AuthenticatedRequest, PUBLIC_ROUTE } from './request-actor';
import { RoleNotAllowed } from './access.errors';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { Authenticator, IdentityProviderUnavailable, TokenRejected } from './authenticator';
import { WriteLimiter } from './write-limiter';
import type { Principal, UserRole } from './principal';

const REALM = 'Bearer realm="sinergi"';
const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Every request carries a bearer token, verified by the deployment's authenticators; the user it speaks for is put
 * on the request. Missing or refused tokens are answered 401 with a `WWW-Authenticate` challenge, and an address
 * that keeps presenting bad tokens is answered 429 for a while (never for a valid token: see AuthFailureLimiter).
 * A user who writes too much within a minute is answered 429 too. Neither the token nor the Authorization header is
 * ever logged.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly limiter: AuthFailureLimiter,
    private readonly writes: WriteLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const response = context.switchToHttp().getResponse<Response>();
    const targets = [context.getHandler(), context.getClass()];
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets) ?? false;

    const token = bearerTokenOf(request, response);
    if (token === undefined) {
      if (isPublic) return true;
      response.setHeader('WWW-Authenticate', REALM);
      throw new UnauthorizedException({ message: 'sign in: send a bearer token in the Authorization header', rule: 'tokenMissing' });
    }
    request.principal = await this.verify(token, request.ip ?? 'unknown', response);
    const roles = this.reflector.getAllAndOverride<UserRole[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(request.principal.role)) {
      throw new RoleNotAllowed(request.principal.role, `use ${request.method} ${request.route?.path ?? request.path}`);
    }
    if (WRITE_METHODS.has(request.method)) {
      const retryAfter = this.writes.admit(request.principal.userId);
      if (retryAfter !== undefined) {
        response.setHeader('Retry-After', String(retryAfter));
        throw new HttpException({ message: `too many writes by this user; try again in ${retryAfter} s`, rule: 'tooManyWrites' }, HttpStatus.TOO_MANY_REQUESTS);
      }
    }
    return true;
  }

  private async verify(token: string, address: string, response: Response): Promise<Principal> {
    const tooMany = (retryAfter: number) => {
      response.setHeader('Retry-After', String(retryAfter));
      return new HttpException(
        { message: `too many refused tokens from this address; try again in ${retryAfter} s`, rule: 'tooManyAuthenticationFailures' },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    };
    const retryAfter = this.limiter.retryAfterSeconds(address, token);
    if (retryAfter !== undefined) throw tooMany(retryAfter);
    let reason = 'the token is neither a Sinergi API token nor a JWT of the configured identity provider';
    try {
      const principal = await this.authenticator.authenticate(token);
      if (principal) return principal;
    } catch (error) {
      if (error instanceof IdentityProviderUnavailable) {
        this.logger.error(`single sign-on: ${error.message}`);
        throw new ServiceUnavailableException({ message: error.message, rule: 'identityProviderUnavailable' });
      }
      if (!(error instanceof TokenRejected)) throw error;
      reason = error.reason;
    }
    const addressRetryAfter = this.limiter.recordFailure(address, token);
    if (addressRetryAfter !== undefined) throw tooMany(addressRetryAfter);
    this.logger.warn(`refused a token from ${address}: ${reason}`);
    response.setHeader('WWW-Authenticate', `${REALM}, error="invalid_token", error_description="${reason.replace(/"/g, "'")}"`);
    throw new UnauthorizedException({ message: reason, rule: 'invalidToken' });
  }
}

/** The token of an `Authorization: Bearer ...` header; undefined when there is no such header. */
function bearerTokenOf(request: AuthenticatedRequest, response: Response): string | undefined {
  const header = request.header('authorization');
  if (header === undefined) return undefined;
  const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
  if (!match) {
    response.setHeader('WWW-Authenticate', `${REALM}, error="invalid_request"`);
    throw new UnauthorizedException({ message: 'the Authorization header must read "Bearer <token>"', rule: 'malformedAuthorization' });
  }
  return match[1];
}
