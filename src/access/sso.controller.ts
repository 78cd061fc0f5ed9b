import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  HttpException,
  HttpStatus,
  Logger,
  NotFoundException,
  Post,
  Req,
  Res,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import type { Request, Response } from 'express';
import { PublicRoute } from './request-actor';
import { AuthFailureLimiter } from './auth-failure-limiter';
import { IdentityProviderUnavailable, NotASinergiUser, TokenRejected } from './authenticator';
import { CodeRefused, type SsoBrowserSettings, type SsoSession, SingleSignOn } from './single-sign-on';

export class SsoCodeDto {
  /** The `code` the identity provider sent back to /sso/callback. */
  @IsString()
  @Length(1, 2048)
  code!: string;

  /** The PKCE verifier the browser made before it left (RFC 7636 §4.1). */
  @Matches(/^[A-Za-z0-9._~-]{43,128}$/, { message: 'codeVerifier must be 43 to 128 unreserved characters (RFC 7636)' })
  codeVerifier!: string;

  /** The nonce the browser sent in the authorization request; the ID token must carry it. */
  @IsString()
  @Length(16, 256)
  nonce!: string;
}

/**
 * The web app's sign-in by redirect (see `single-sign-on.ts` for why the code is exchanged here). Both routes answer
 * without a token: they are how a browser gets one.
 */
@ApiTags('access')
@Controller('auth/sso')
@PublicRoute()
export class SsoController {
  private readonly logger = new Logger('Access');

  constructor(
    private readonly sso: SingleSignOn,
    private readonly limiter: AuthFailureLimiter,
  ) {}

  /** Whether the web app shows "Masuk dengan SSO", and where it sends the browser: the issuer's discovered endpoints. */
  @Get()
  async settings(): Promise<SsoBrowserSettings | { enabled: false }> {
    try {
      return (await this.sso.browserSettings()) ?? { enabled: false };
    } catch (error) {
      throw this.unavailable(error);
    }
  }

  /** Exchanges the code for the tokens of the sign-in; the answer holds the bearer token, so nothing may cache it. */
  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async token(@Body() body: SsoCodeDto, @Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<SsoSession> {
    if (!this.sso.enabled) throw new NotFoundException({ message: 'single sign-on by redirect is not configured', rule: 'singleSignOnNotConfigured' });
    const address = request.ip ?? 'unknown';
    const retryAfter = this.limiter.retryAfterSeconds(address, body.code);
    if (retryAfter !== undefined) {
      response.setHeader('Retry-After', String(retryAfter));
      throw new HttpException(
        { message: `too many refused sign-ins from this address; try again in ${retryAfter} s`, rule: 'tooManyAuthenticationFailures' },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    try {
      const session = await this.sso.exchange(body.code, body.codeVerifier, body.nonce);
      this.logger.log(`single sign-on: ${session.me.userId} signed in from ${address}`);
      return session;
    } catch (error) {
      if (!(error instanceof CodeRefused || error instanceof TokenRejected)) throw this.unavailable(error);
      // Never the code, the verifier or a token: only why.
      const addressRetryAfter = this.limiter.recordFailure(address, body.code);
      if (addressRetryAfter !== undefined) {
        response.setHeader('Retry-After', String(addressRetryAfter));
        throw new HttpException({ message: `too many refused sign-ins from this address; try again in ${addressRetryAfter} s`, rule: 'tooManyAuthenticationFailures' }, HttpStatus.TOO_MANY_REQUESTS);
      }
      this.logger.warn(`single sign-on refused from ${address}: ${error.reason}`);
      if (error instanceof CodeRefused) throw new HttpException({ message: error.reason, rule: 'ssoCodeRefused' }, HttpStatus.BAD_REQUEST);
      throw new UnauthorizedException({ message: error.reason, rule: error instanceof NotASinergiUser ? 'ssoNotASinergiUser' : 'ssoTokenRejected' });
    }
  }

  private unavailable(error: unknown): unknown {
    if (!(error instanceof IdentityProviderUnavailable)) return error;
    this.logger.error(`single sign-on: ${error.message}`);
    return new ServiceUnavailableException({ message: error.message, rule: 'identityProviderUnavailable' });
  }
}
