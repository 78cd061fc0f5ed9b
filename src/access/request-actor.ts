import { type ExecutionContext, SetMetadata, UnauthorizedException, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import type { Principal, UserRole } from './principal';

export const PUBLIC_ROUTE = 'sinergi:public-route';
export const ALLOWED_ROLES = 'sinergi:allowed-roles';

/**
 * Marks a route that answers without a token (the liveness answer of /health). A token, when one is sent, is
 * still verified, so the route can say more to a signed-in user.
 */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** Limits a route to some roles; others are refused with 403 before the handler runs. */
export const AllowedRoles = (...roles: UserRole[]): MethodDecorator & ClassDecorator => SetMetadata(ALLOWED_ROLES, roles);

/** A request once the authentication guard has run: `principal` is who its bearer token speaks for. */
export type AuthenticatedRequest = Request & { principal?: Principal };

/** The verified user of the request; on a route that is not public, the guard has made sure there is one. */
export function principalOf(request: AuthenticatedRequest): Principal {
  if (!request.principal) throw new UnauthorizedException('no verified user: the authentication guard did not run');
  return request.principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal =>
  principalOf(context.switchToHttp().getRequest<AuthenticatedRequest>()),
);
