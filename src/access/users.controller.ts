import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { Clock } from '../core/clock.port';
import { AllowedRoles, CurrentPrincipal } from './request-actor';
import type { BuiltInUser } from '../registry/registry';
import { actorOf, type Principal, USER_ROLES, type UserRole } from './principal';
import { Users } from './users';

export class NewUserDto {
  /**
   * Chosen id (an e-mail address, an NIP); generated when left out. A built-in id never names a person of the
   * single sign-on, even when the strings are equal: the events of each record which kind of id acted.
   */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(/^\S+$/, { message: 'userId must not contain spaces' })
  userId?: string;

  @IsString()
  @Length(1, 200)
  name!: string;

  @IsIn(USER_ROLES)
  role!: UserRole;

  /** Kemendagri code of the user's region. */
  @IsString()
  region!: string;

  /** The OPD of a dinas officer. */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  opd?: string;

  /** An auditor who reads every region's agreements (BPK, Kemendagri). */
  @IsOptional()
  @IsBoolean()
  national?: boolean;
}

export interface NewUserResponse {
  user: BuiltInUser;
  /** Shown this once: only its SHA-256 is kept. */
  token: string;
}

/** Who is signed in, and (for admins) the built-in users of a single-site deployment. */
@ApiTags('access')
@Controller()
export class UsersController {
  constructor(
    private readonly users: Users,
    private readonly clock: Clock,
  ) {}

  /** The user the bearer token speaks for, with role, region, OPD and scope. */
  @Get('me')
  me(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Get('users')
  @AllowedRoles('admin')
  list(): BuiltInUser[] {
    return this.users.list();
  }

  /** A new user with an API token; the token is in this answer and nowhere else. The admin is recorded as its creator. */
  @Post('users')
  @AllowedRoles('admin')
  add(@CurrentPrincipal() principal: Principal, @Body() body: NewUserDto): Promise<NewUserResponse> {
    return this.users.add(body, actorOf(principal), this.clock.now());
  }

  /** The user's token stops working at once, on every node. */
  @Post('users/:userId/revocation')
  @HttpCode(200)
  @AllowedRoles('admin')
  revoke(@CurrentPrincipal() principal: Principal, @Param('userId') userId: string): Promise<BuiltInUser> {
    return this.users.revoke(userId, actorOf(principal), this.clock.now());
  }
}
