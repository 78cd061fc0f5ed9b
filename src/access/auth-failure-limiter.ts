import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.port';
import { RateWindow } from './rate-window';

/** An address may see this many times more refused tokens than one token may be refused, before its refusals turn 429. */
const ADDRESS_FACTOR = 10;

/**
 * The brake on refused tokens. A token refused too often from one address (a script with a revoked token, an expired
 * JWT retried) is answered 429 without being looked at again. An address presenting many different bad tokens gets
 * 429 instead of 401 for each further bad one. A valid token is never held back: behind an office NAT or a reverse
 * proxy everyone shares an address, and one user's broken client must not lock out the others. (Tokens carry 256
 * random bits or an identity provider's signature: the brake is against noise and floods, not guessing.)
 */
export class AuthFailureLimiter {
  private readonly perToken: RateWindow;
  private readonly perAddress: RateWindow;

  constructor(maxPerMinute: number, clock: Clock) {
    this.perToken = new RateWindow(maxPerMinute, clock);
    this.perAddress = new RateWindow(maxPerMinute * ADDRESS_FACTOR, clock);
  }

  /** Seconds until this token may be tried again from this address; undefined when it may now. */
  retryAfterSeconds(address: string, token: string): number | undefined {
    return this.perToken.retryAfterSeconds(keyOf(address, token));
  }

  /** Records a refused token; the seconds to wait when the address has now been refused too often, else undefined. */
  recordFailure(address: string, token: string): number | undefined {
    this.perToken.record(keyOf(address, token));
    this.perAddress.record(address);
    return this.perAddress.retryAfterSeconds(address);
  }
}

/** The token is counted by its digest: the limiter never holds a token, not even a refused one. */
const keyOf = (address: string, token: string): string => `${address} ${createHash('sha256').update(token).digest('base64url').slice(0, 22)}`;
