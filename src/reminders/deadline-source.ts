import type { AgreementStatus } from '../../projections/agreement-status/agreement-status';
import { agreementStatusProjection } from '../../projections/agreement-status/agreement-status.projection';
import { type Deadline, deadlinesOf } from '../../projections/agreement-status/deadlines';
import { dateInZone, WIB } from '../agreements/domain/dates';
import type { Clock } from '../core/clock.port';
import type { ReadModelReader } from '../read-models/queries/read-model.reader';
import type { RegionPolicies } from '../regions/region-policies.port';

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
  /**
   * The day from which reminders are still worth sending (the catch-up window counts back from it): Jakarta's, the
   * earliest of the three zones' days, so no region's reminder of its own today is left out.
   */
  today(): string;
}

/**
 * The deadline schedule as the reminders see it: the agreement-status read model's documents, their deadlines dated
 * by the same computation as the API's (`deadlinesOf`: the proposer's policy as it stands now).
 */
export class DeadlineSource implements DeadlineSchedule {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly policies: RegionPolicies,
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
            : `SELECT document FROM ${main} WHERE deadline_floor_on IS NOT NULL AND last_position > ? ORDER BY key`,
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
    return dateInZone(this.clock.now(), WIB);
  }

  private deadlinesOf(status: AgreementStatus): AgreementDeadlines {
    return {
      agreementId: status.agreementId,
      title: status.title,
      lastPosition: status.lastEvent.position,
      deadlines: deadlinesOf(status, this.policies),
    };
  }
}
