import {
  type CanActivate,
  type ExecutionContext,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  createParamDecorator,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Actor, Role } from '../core/event';
import { RegionDirectory } from '../regions/region-directory';

export const PUBLIC_ROUTE = 'sinergi:public-route';

/** Marks a route that needs no acting user (health, docs). */
export const PublicRoute = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

export type RequestWithActor = Request & { actor?: Actor };

const ROLES: readonly Role[] = ['coordinator', 'dinas-officer', 'auditor', 'admin'];

/**
 * Establishes who is acting. Until authentication lands, the acting user is taken from the
 * `X-User-Id`, `X-User-Role`, `X-User-Region` and `X-User-Opd` headers; an authenticating guard
 * replaces this one and handlers keep reading `@CurrentActor()`.
 */
@Injectable()
export class HeaderActorGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly regions: RegionDirectory,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const isPublic = this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, [context.getHandler(), context.getClass()]);
    if (isPublic) return true;
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const userId = request.header('x-user-id')?.trim();
    const role = request.header('x-user-role')?.trim() as Role | undefined;
    const region = request.header('x-user-region')?.trim();
    const opd = request.header('x-user-opd')?.trim();
    if (!userId || !role || !region) {
      throw new UnauthorizedException('say who is acting: X-User-Id, X-User-Role and X-User-Region headers are required');
    }
    if (!ROLES.includes(role)) throw new UnauthorizedException(`X-User-Role must be one of ${ROLES.join(', ')}`);
    if (!this.regions.find(region)) throw new UnauthorizedException(`X-User-Region ${region} is not an official region code`);
    request.actor = { userId, role, region, ...(opd ? { opd } : {}) };
    return true;
  }
}

export const CurrentActor = createParamDecorator((_data: unknown, context: ExecutionContext): Actor => {
  const actor = context.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new UnauthorizedException('no acting user');
  return actor;
});
