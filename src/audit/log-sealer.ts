import { Injectable } from '@nestjs/common';
import { EventStore } from '../core/event-store.port';
import { GENESIS_HASH } from '../core/hash-chain';
import { nextSeal } from './log-verifier';

const BATCH = 5000;

/**
 * The seal of the log up to a position, as `audit verify` computes it, for documents that name the log they were
 * made from. The last seal is kept and extended by the events after it, so a report reads only what is new.
 */
@Injectable()
export class LogSealer {
  private last = { position: 0, seal: GENESIS_HASH };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: EventStore) {}

  /** One seal at a time: each extends the one before. */
  sealAt(position: number): Promise<string> {
    const next = this.queue.then(() => this.extend(position));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async extend(position: number): Promise<string> {
    let { position: at, seal } = position >= this.last.position ? this.last : { position: 0, seal: GENESIS_HASH };
    while (at < position) {
      // The stored hashes alone: the seal chains them, as `audit verify` does once it has checked each.
      const batch = await this.store.readHashes(at, Math.min(BATCH, position - at));
      if (batch.length === 0) throw new Error(`the log ends before position ${position}`);
      for (const stored of batch) seal = nextSeal(seal, stored.hash);
      at = batch[batch.length - 1].position;
    }
    if (at >= this.last.position) this.last = { position: at, seal };
    return seal;
  }
}
