import { join } from 'node:path';
import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { SinergiConfig } from '../config/sinergi.config';
import { Clock } from '../core/clock.port';
import { RegionDirectory } from '../regions/region-directory';
import { AccessConfig } from './access.config';
import { ApiTokenAuthenticator } from './api-token.authenticator';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { AuthGuard } from './auth.guard';
import { Authenticator, AuthenticatorChain } from './authenticator';
import { BuiltInUsers } from './built-in-users';
import { OidcAuthenticator } from './oidc.authenticator';
import { UsersController } from './users.controller';

export const accessFileOf = (config: SinergiConfig): string => join(config.dataDir, 'access.sqlite');

/** Authentication (built-in API tokens, then single sign-on), the global guard, and user management. */
@Module({
  controllers: [UsersController],
  providers: [
    { provide: AccessConfig, useFactory: () => AccessConfig.fromEnv() },
    { provide: BuiltInUsers, useFactory: (config: SinergiConfig) => BuiltInUsers.open(accessFileOf(config)), inject: [SinergiConfig] },
    {
      provide: Authenticator,
      useFactory: (users: BuiltInUsers, access: AccessConfig, regions: RegionDirectory) =>
        new AuthenticatorChain([
          new ApiTokenAuthenticator(users),
          ...(access.oidc ? [new OidcAuthenticator(access.oidc, (code) => regions.find(code) !== undefined)] : []),
        ]),
      inject: [BuiltInUsers, AccessConfig, RegionDirectory],
    },
    {
      provide: AuthFailureLimiter,
      useFactory: (access: AccessConfig, clock: Clock) => new AuthFailureLimiter(access.authFailuresPerMinute, clock),
      inject: [AccessConfig, Clock],
    },
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AccessConfig, BuiltInUsers],
})
export class AccessModule implements OnApplicationShutdown {
  constructor(@Inject(BuiltInUsers) private readonly users: BuiltInUsers) {}

  onApplicationShutdown(): void {
    this.users.close();
  }
}
