import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { AllowedRoles, CurrentPrincipal } from '../http/request-actor';
import { RegionDirectory } from '../regions/region-directory';
import { type BuiltInUser, BuiltInUsers } from './built-in-users';
import { type Principal, USER_ROLES, type UserRole } from './principal';

export class NewUserDto {
  /** Chosen id (an e-mail address, an NIP); generated when left out. */
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
    private readonly users: BuiltInUsers,
    private readonly regions: RegionDirectory,
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

  /** A new user with an API token; the token is in this answer and nowhere else. */
  @Post('users')
  @AllowedRoles('admin')
  add(@Body() body: NewUserDto): NewUserResponse {
    return this.users.add(body, (code) => this.regions.find(code) !== undefined);
  }

  /** The user's token stops working at once. */
  @Post('users/:userId/revocation')
  @HttpCode(200)
  @AllowedRoles('admin')
  revoke(@Param('userId') userId: string): BuiltInUser {
    return this.users.revoke(userId);
  }
}
