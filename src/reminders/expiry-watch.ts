import { Logger } from '@nestjs/common';
import type { CommandBus } from '@nestjs/cqrs';
import type { AgreementStatus } from '../../projections/agreement-status/agreement-status';
import { agreementStatusProjection } from '../../projections/agreement-status/agreement-status.projection';
import { type AgreementCommandInput, ExecuteAgreementCommand } from '../agreements/application/agreement.commands';
import { dateInRegion, dateInZone, WIT } from '../agreements/domain/dates';
import type { Clock } from '../core/clock.port';
import { DomainError } from '../core/domain-error';
import type { Actor } from '../core/event';
import { ReadModelNotReady, type ReadModelReader } from '../read-models/queries/read-model.reader';

/** The engine, as the expiries it records name it. */
export const EXPIRY_ENGINE: Actor = { userId: 'sinergi-engine', role: 'system', region: 'system' };

/** How often the server looks for what ended: an expiry is recorded within a minute of the proposer's midnight. */
export const EXPIRY_CHECK_MS = 60_000;

const logger = new Logger('Expiry');

interface DueExpiry {
  agreementId: string;
  /** `ksb`, or the PKS's id. */
  subject: string;
  validUntil: string;
  command: AgreementCommandInput;
}

/**
 * Records the end of every KSB and PKS on its end date, as the engine, on a timer of the server: with reminders on or
 * off, Redis up or down. Every node runs one; each expiry goes through the command path with an idempotency key of
 * its own (agreement, KSB or PKS, end date) and the stream's expected revision, so whichever node comes first records
 * it and the others replay that answer or find it already recorded: exactly once.
 */
export class ExpiryWatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly reader: ReadModelReader,
    private readonly commands: Pick<CommandBus, 'execute'>,
    private readonly clock: Clock,
  ) {}

  start(): void {
    void this.runNow();
    this.timer = setInterval(() => void this.runNow(), EXPIRY_CHECK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Records every expiry due now; resolves with how many it recorded. One pass at a time. */
  runNow(): Promise<number> {
    this.running ??= this.pass()
      .catch((error: unknown) => {
        // Before the read model's first build there is nothing to look at yet: the next pass will.
        if (error instanceof ReadModelNotReady) return 0;
        logger.warn(`expiries not checked: ${error instanceof Error ? error.message : String(error)}`);
        return 0;
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async pass(): Promise<number> {
    const now = this.clock.now();
    let recorded = 0;
    for (const due of await this.dueExpiries(now)) if (await this.record(due, now)) recorded++;
    return recorded;
  }

  /** What has reached its end date in its proposer's time zone (WIT's day, the latest, narrows the read). */
  private dueExpiries(now: Date): Promise<DueExpiry[]> {
    return this.reader.read(async (snapshot) => {
      const { main } = snapshot.tables(agreementStatusProjection);
      const rows = await snapshot.all<{ document: string }>(`SELECT document FROM ${main} WHERE next_end_on <= ? ORDER BY key`, dateInZone(now, WIT));
      return rows.flatMap((row) => {
        const status = JSON.parse(row.document) as AgreementStatus;
        return expiriesOf(status, dateInRegion(now, status.proposer));
      });
    });
  }

  private async record(due: DueExpiry, now: Date): Promise<boolean> {
    const key = `expire|${due.agreementId}|${due.subject}|${due.validUntil}`;
    try {
      const result = await this.commands.execute(
        new ExecuteAgreementCommand(due.agreementId, due.command, { actor: EXPIRY_ENGINE, occurredAt: now.toISOString(), correlationId: key, causationId: key, idempotencyKey: key }),
      );
      return !result.replayed;
    } catch (error) {
      // Extended, terminated or recorded by another node meanwhile: the agreement says why, nothing to record.
      if (error instanceof DomainError) return false;
      throw error;
    }
  }
}

/** The KSB when it has reached its end (its PKS end with it), otherwise each active PKS that has reached its own. */
function expiriesOf(status: AgreementStatus, today: string): DueExpiry[] {
  const { agreementId } = status;
  const { validUntil } = status.dates;
  if (status.stage !== 'active') return [];
  if (validUntil && validUntil <= today) return [{ agreementId, subject: 'ksb', validUntil, command: { type: 'ExpireAgreement', data: {} } }];
  return status.pks
    .filter((pks): pks is typeof pks & { validUntil: string } => pks.stage === 'active' && !!pks.validUntil && pks.validUntil <= today)
    .map((pks) => ({ agreementId, subject: pks.pksId, validUntil: pks.validUntil, command: { type: 'ExpirePks', data: { pksId: pks.pksId } } }));
}
