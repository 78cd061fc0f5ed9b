import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Clock } from '../core/clock.port';
import { RegionDirectory } from '../regions/domain/region-directory';
import { AccessConfig } from './access.config';
import { ApiTokenAuthenticator } from './api-token.authenticator';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthGuard } from './auth.guard';
import { Authenticator, AuthenticatorChain } from './authenticator';
import { OidcAuthenticator } from './oidc.authenticator';
import { SingleSignOn } from './single-sign-on';
import { SsoController } from './sso.controller';
import { UsersController } from './users.controller';
import { Users } from './users';
import { WriteLimiter } from './write-limiter';
import { CommandProcessor } from '../core/command-processor';
import { Registry } from '../registry/registry';

/** Authentication (built-in API tokens, then single sign-on), the web app's sign-in by redirect, the global guard, and user management. */
@Module({
  controllers: [UsersController, SsoController],
  providers: [
    { provide: AccessConfig, useFactory: () => AccessConfig.fromEnv() },
    {
      provide: Users,
      useFactory: (processor: CommandProcessor, registry: Registry, access: AccessConfig, regions: RegionDirectory) =>
        new Users(processor, registry, access, (code) => regions.find(code) !== undefined),
      inject: [CommandProcessor, Registry, AccessConfig, RegionDirectory],
    },
    {
      // Null when single sign-on is not configured.
      provide: OidcAuthenticator,
      useFactory: (access: AccessConfig, regions: RegionDirectory) =>
        access.oidc ? new OidcAuthenticator(access.oidc, (code) => regions.find(code) !== undefined) : null,
      inject: [AccessConfig, RegionDirectory],
    },
    {
      provide: Authenticator,
      useFactory: (users: Users, oidc: OidcAuthenticator | null) => new AuthenticatorChain([new ApiTokenAuthenticator(users), ...(oidc ? [oidc] : [])]),
      inject: [Users, OidcAuthenticator],
    },
    {
      provide: SingleSignOn,
      useFactory: (access: AccessConfig, oidc: OidcAuthenticator | null) => new SingleSignOn(access.oidc, oidc ?? undefined),
      inject: [AccessConfig, OidcAuthenticator],
    },
    {
      provide: AuthFailureLimiter,
      useFactory: (access: AccessConfig, clock: Clock) => new AuthFailureLimiter(access.authFailuresPerMinute, clock),
      inject: [AccessConfig, Clock],
    },
    {
      provide: WriteLimiter,
      useFactory: (access: AccessConfig, clock: Clock) => new WriteLimiter(access.writesPerMinute, clock),
      inject: [AccessConfig, Clock],
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AccessConfig, Users],
})
export class AccessModule {}
