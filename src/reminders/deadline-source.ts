import { type AgreementStatus, agreementStatusProjection } from '../../projections/agreement-status.projection';
import { type Deadline, pendingDeadlines } from '../../projections/deadlines';
import { dateInJakarta } from '../agreements/domain/dates';
import type { Clock } from '../core/clock.port';
import type { ReadModelReader } from '../read-models/read-model.reader';
import type { ReminderPolicies } from './reminder-policies';

export interface AgreementDeadlines {
  agreementId: string;
  title: string;
  /** The position of the agreement's last event the read model has seen. */
  lastPosition: number;
  deadlines: Deadline[];
}

/** What the scheduler and the dispatcher read of the deadline schedule (port: the read model, or a benchmark's own). */
export interface DeadlineSchedule {
  /** The live generation of the schedule and how far it has read the store; undefined before its first build. */
  position(): Promise<{ generation: number; checkpoint: number } | undefined>;
  /** Agreements whose deadlines changed after `afterPosition` (all with pending deadlines when 0). */
  changedSince(afterPosition: number): Promise<AgreementDeadlines[]>;
  of(agreementId: string): Promise<AgreementDeadlines | undefined>;
  /** The schedule's day (Asia/Jakarta). */
  today(): string;
}

/**
 * The deadline schedule as the reminders see it: the agreement-status read model's documents, with each deadline's
 * durations taken from the proposer's policy (the read model itself dates them by the default policy).
 */
export class DeadlineSource implements DeadlineSchedule {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly policies: ReminderPolicies,
    private readonly clock: Clock,
  ) {}

  /** The live generation of the read model and how far it has read the store; undefined before its first build. */
  async position(): Promise<{ generation: number; checkpoint: number } | undefined> {
    const [live] = await this.reader.read((snapshot) =>
      snapshot.all<{ generation: number; checkpoint: number }>(
        `SELECT generation, checkpoint FROM projection_generations WHERE projection = ? AND state = 'live'`,
        agreementStatusProjection.name,
      ),
    );
    return live;
  }

  /** Agreements whose document changed after `afterPosition` (all with pending deadlines when 0). */
  changedSince(afterPosition: number): Promise<AgreementDeadlines[]> {
    return this.reader.read(async (snapshot) => {
      const { main } = snapshot.tables(agreementStatusProjection);
      return (
        await snapshot.all<{ document: string }>(
          afterPosition > 0
            ? `SELECT document FROM ${main} WHERE last_position > ? ORDER BY key`
            : `SELECT document FROM ${main} WHERE next_deadline_on IS NOT NULL AND last_position > ? ORDER BY key`,
          afterPosition,
        )
      ).map((row) => this.deadlinesOf(JSON.parse(row.document) as AgreementStatus));
    });
  }

  of(agreementId: string): Promise<AgreementDeadlines | undefined> {
    return this.reader.read(async (snapshot) => {
      const { main } = snapshot.tables(agreementStatusProjection);
      const [row] = await snapshot.all<{ document: string }>(`SELECT document FROM ${main} WHERE key = ?`, agreementId);
      return row && this.deadlinesOf(JSON.parse(row.document) as AgreementStatus);
    });
  }

  today(): string {
    return dateInJakarta(this.clock.now());
  }

  private deadlinesOf(status: AgreementStatus): AgreementDeadlines {
    return {
      agreementId: status.agreementId,
      title: status.title,
      lastPosition: status.lastEvent.position,
      deadlines: pendingDeadlines(status, this.policies.of(status.proposer).agreement),
    };
  }
}
