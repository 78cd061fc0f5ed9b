import { createHash, randomUUID } from 'node:crypto';
import { BadRequestException, Injectable } from '@nestjs/common';
import { actorKey, actorOf } from '../access/principal';
import type { CommandContext } from '../core/command-processor';
import { Clock } from '../core/clock.port';
import { canonicalJson } from '../core/hash-chain';
import { type AuthenticatedRequest, principalOf } from '../access/request-actor';

/** Fields every command body may carry besides its own data. */
export interface CommandEnvelopeFields {
  occurredAt?: string;
  reason?: string;
}

/** Builds a command's context from the request: who acts, when it happened, why, and its idempotency key. */
@Injectable()
export class CommandContextFactory {
  constructor(private readonly clock: Clock) {}

  from(request: AuthenticatedRequest, body: CommandEnvelopeFields = {}): CommandContext {
    const actor = actorOf(principalOf(request));
    const now = this.clock.now();
    const occurredAt = body.occurredAt ?? now.toISOString();
    // Steps may be recorded late (a signing last week), never ahead of time: a future date could expire an agreement early.
    if (Date.parse(occurredAt) > now.getTime() + 60_000) {
      throw new BadRequestException({
        message: 'occurredAt is in the future',
        errors: [{ field: 'occurredAt', rule: 'notInFuture', message: 'occurredAt must not be in the future' }],
      });
    }
    const commandId = randomUUID();
    const key = request.header('idempotency-key')?.trim();
    // Keys are the user's own: another user's key replays nothing of theirs (a replay skips the access rules).
    const idempotencyKey = key ? `${encodeURIComponent(actorKey(actor))}/${key}` : undefined;
    return {
      actor,
      occurredAt,
      correlationId: request.header('x-correlation-id')?.trim() || commandId,
      causationId: commandId,
      ...(body.reason ? { reason: body.reason } : {}),
      ...(idempotencyKey ? { idempotencyKey, requestSha256: requestSha256(request) } : {}),
    };
  }
}

/** The request a key is given for: method, path and body as sent (a proposal's new id is not in it). */
function requestSha256(request: AuthenticatedRequest): string {
  const content = canonicalJson({ method: request.method, path: request.path, body: (request.body as unknown) ?? null });
  return createHash('sha256').update(content).digest('hex');
}
