import { Injectable } from '@nestjs/common';
import type { AgreementStatus } from '../../../projections/agreement-status/agreement-status';
import { agreementStatusProjection } from '../../../projections/agreement-status/agreement-status.projection';
import type { SqlValue } from '../../../projections/projection';
import type { IsoDate } from '../../agreements/domain/dates';
import { NotFound } from '../../core/domain-error';
import { EventStore } from '../../core/event-store.port';
import { type ReadModelSnapshot, ReadModelReader } from '../../read-models/queries/read-model.reader';
import { type Region, RegionDirectory } from '../../regions/domain/region-directory';
import { Registry } from '../../registry/registry';
import { type OpenAgreement, openAgreementOf } from './open-agreement';
import { type OpenDataMetadata, openDataMetadata } from './open-data-metadata';

/** A region that has not opted in publishes nothing: to the public its open data does not exist. */
export class OpenDataNotPublished extends NotFound {
  constructor(code: string) {
    super(`region ${code} does not publish its agreements as open data (its coordinators can opt in)`, 'code');
  }
}

/** The nation's open data (every publishing region), or one publishing region's. */
export interface OpenDataScope {
  region?: string;
}

/** Agreements read per page: memory stays flat however many there are. */
export const OPEN_DATA_PAGE = 500;

/**
 * The open data, read from the read models: the agreements of the regions that opted in (a region's own, or those
 * of every publishing region), page after page in agreement-id order, each page in a read of its own.
 */
@Injectable()
export class OpenDataFeed {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly regions: RegionDirectory,
    private readonly store: EventStore,
    private readonly registry: Registry,
  ) {}

  /** The regions that publish, with the day they opted in: the registry's fold of the regions' settings. */
  async publishers(): Promise<{ region: Region; since?: IsoDate }[]> {
    return this.registry.openDataPublishers().flatMap(({ region: code, since }) => {
      const region = this.regions.find(code);
      return region ? [{ region, since }] : [];
    });
  }

  /** Throws {@link OpenDataNotPublished} unless the region publishes. */
  async requirePublished(code: string): Promise<Region> {
    const publisher = (await this.publishers()).find(({ region }) => region.code === code);
    if (!publisher) throw new OpenDataNotPublished(code);
    return publisher.region;
  }

  async *pages(scope: OpenDataScope): AsyncGenerator<OpenAgreement[]> {
    const publishers = await this.publishers();
    for (let after = ''; ; ) {
      const documents = await this.reader.read(async (snapshot) => {
        const { main } = snapshot.tables(agreementStatusProjection);
        const { condition, params } = this.inScope(snapshot, scope, publishers);
        return snapshot.all<{ key: string; document: string }>(
          `SELECT s.key, s.document FROM ${main} s WHERE s.key > ? AND ${condition} ORDER BY s.key LIMIT ${OPEN_DATA_PAGE}`,
          after,
          ...params,
        );
      });
      if (documents.length === 0) return;
      yield documents.map(({ document }) => openAgreementOf(JSON.parse(document) as AgreementStatus, this.regions));
      after = documents[documents.length - 1].key;
    }
  }

  async metadata(scope: OpenDataScope, baseUrl: string, today: IsoDate): Promise<OpenDataMetadata> {
    const publishers = await this.publishers();
    const { firstOffer, lastPosition } = await this.reader.read(async (snapshot) => {
      const { main, lists } = snapshot.tables(agreementStatusProjection);
      const regions = regionsOf(scope, publishers);
      if (!scope.region && regions.length >= this.regions.size / 2) {
        // Most of the nation publishes, so most agreements are in scope: the first offer and the last event are found
        // by walking the offered_on and last_position indexes to the first agreement in scope, each checked by its
        // own parties. An aggregate over the scope would read every agreement's row, its JSON with it.
        const inScope = `EXISTS (SELECT 1 FROM ${lists.parties} p WHERE p.key = s.key AND p.region IN (${regions.map(() => '?').join(', ')}))`;
        const [first] = await snapshot.all<{ offered_on: string }>(
          `SELECT s.offered_on FROM ${main} s WHERE s.offered_on IS NOT NULL AND ${inScope} ORDER BY s.offered_on LIMIT 1`,
          ...regions,
        );
        const [last] = await snapshot.all<{ last_position: number }>(`SELECT s.last_position FROM ${main} s WHERE ${inScope} ORDER BY s.last_position DESC LIMIT 1`, ...regions);
        return { firstOffer: first?.offered_on ?? null, lastPosition: Number(last?.last_position ?? 0) };
      }
      const { condition, params } = this.inScope(snapshot, scope, publishers);
      const [row] = await snapshot.all<{ first_offer: string | null; last_position: number | null }>(
        `SELECT min(s.offered_on) AS first_offer, max(s.last_position) AS last_position FROM ${main} s WHERE ${condition}`,
        ...params,
      );
      return { firstOffer: row?.first_offer ?? null, lastPosition: Number(row?.last_position ?? 0) };
    });
    const [lastEvent] = lastPosition > 0 ? await this.store.readAll(lastPosition - 1, 1) : [];
    const region = scope.region ? this.regions.find(scope.region) : undefined;
    return openDataMetadata({
      ...(region ? { region } : {}),
      producers: region ? publishers.filter((p) => p.region.code === region.code) : publishers,
      firstOffer,
      today,
      lastUpdated: lastEvent?.metadata.recordedAt ?? null,
      logPosition: lastPosition,
      baseUrl,
    });
  }

  /** Agreements the region is a party to; for the nation, those of any publishing region. */
  private inScope(
    snapshot: ReadModelSnapshot,
    scope: OpenDataScope,
    publishers: readonly { region: Region }[],
  ): { condition: string; params: SqlValue[] } {
    const { lists } = snapshot.tables(agreementStatusProjection);
    const regions = regionsOf(scope, publishers);
    if (regions.length === 0) return { condition: '1 = 0', params: [] };
    return {
      // Not correlated: SQLite would look every publishing region up in the region index for each agreement (1 s for
      // 5,000 agreements and 552 regions); the publishers' agreements found once take 50 ms.
      condition: `s.key IN (SELECT p.key FROM ${lists.parties} p WHERE p.region IN (${regions.map(() => '?').join(', ')}))`,
      params: regions,
    };
  }
}

/** The codes of the regions whose agreements are in scope: the one asked for, or every publishing region. */
const regionsOf = (scope: OpenDataScope, publishers: readonly { region: Region }[]): string[] =>
  scope.region ? [scope.region] : publishers.map(({ region }) => region.code);
