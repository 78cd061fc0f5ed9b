import { assertNever, type Decider, ignoreUnknown } from '../../core/decider';
import { InvalidInput } from '../../core/domain-error';

/** Who signs a region's reports under "Mengetahui": the office holder, as the report prints it. */
export interface ReportSignatory {
  /** Jabatan, e.g. `Kepala Biro Pemerintahan dan Otonomi Daerah`. */
  position: string;
  name: string;
  /** Nomor Induk Pegawai: 18 digits. */
  nip: string;
}

export type RegionSettingsEvent =
  | { type: 'ReportSignatorySet'; data: { region: string } & ReportSignatory }
  | { type: 'OpenDataPublished'; data: { region: string; on: string } }
  | { type: 'OpenDataWithdrawn'; data: { region: string; on: string } };

export type RegionSettingsCommand =
  | { type: 'SetReportSignatory'; data: { region: string } & ReportSignatory }
  | { type: 'SetOpenDataPublication'; data: { region: string; published: boolean; on: string } };

export interface RegionSettings {
  region: string;
  reportSignatory?: ReportSignatory;
  /** Whether the region publishes its agreements as open data, and since when (its day, as recorded). */
  openData: { published: boolean; since?: string };
}

export const initialRegionSettings: RegionSettings = { region: '', openData: { published: false } };

/** One stream per region: its settings are decided one after the other, and every change is in its history. */
export const regionSettingsStreamId = (region: string): string => `region-settings-${region}`;
export const REGION_SETTINGS_STREAM_PREFIX = 'region-settings-';

export class NipMalformed extends InvalidInput {
  constructor() {
    super('a NIP has 18 digits', 'nip');
  }
}

const NIP = /^\d{18}$/;

export function evolveRegionSettings(state: RegionSettings, event: RegionSettingsEvent): RegionSettings {
  switch (event.type) {
    case 'ReportSignatorySet': {
      const { region, ...signatory } = event.data;
      return { ...state, region, reportSignatory: signatory };
    }
    case 'OpenDataPublished':
      return { ...state, region: event.data.region, openData: { published: true, since: event.data.on } };
    case 'OpenDataWithdrawn':
      return { ...state, region: event.data.region, openData: { published: false, since: event.data.on } };
    default:
      return ignoreUnknown(event, state);
  }
}

/** Settings are set, not stepped through: asking for what already holds records nothing. */
export function decideRegionSettings(command: RegionSettingsCommand, state: RegionSettings): RegionSettingsEvent[] {
  switch (command.type) {
    case 'SetReportSignatory': {
      const { region, position, name, nip } = command.data;
      if (!NIP.test(nip)) throw new NipMalformed();
      const current = state.reportSignatory;
      if (current && current.position === position && current.name === name && current.nip === nip) return [];
      return [{ type: 'ReportSignatorySet', data: { region, position, name, nip } }];
    }
    case 'SetOpenDataPublication': {
      const { region, published, on } = command.data;
      if (state.openData.published === published) return [];
      return [published ? { type: 'OpenDataPublished', data: { region, on } } : { type: 'OpenDataWithdrawn', data: { region, on } }];
    }
    default:
      return assertNever(command);
  }
}

export const regionSettingsDecider: Decider<RegionSettings, RegionSettingsCommand, RegionSettingsEvent> = {
  initialState: initialRegionSettings,
  evolve: evolveRegionSettings,
  decide: decideRegionSettings,
};
