import type { RecordedEvent } from '../src/core/event';
import {
  type RegionSettings,
  type RegionSettingsEvent,
  REGION_SETTINGS_STREAM_PREFIX,
  evolveRegionSettings,
  initialRegionSettings,
} from '../src/region-settings/domain/region-settings';
import type { Projection } from './projection';

const regionOf = (event: RecordedEvent): string | undefined =>
  event.streamId.startsWith(REGION_SETTINGS_STREAM_PREFIX) ? event.streamId.slice(REGION_SETTINGS_STREAM_PREFIX.length) : undefined;

/**
 * Each region's settings, folded as their stream is: the open data asks which regions publish without reading every
 * region's stream.
 */
export const regionSettingsProjection: Projection<RegionSettings> = {
  name: 'region-settings',
  version: '1',
  documentOf: regionOf,
  evolve: (settings, event) =>
    evolveRegionSettings(settings ?? initialRegionSettings, { type: event.type, data: event.data } as RegionSettingsEvent),
  schema: {
    key: 'TEXT',
    columns: { open_data: 'INTEGER' },
    indexes: [['open_data']],
    lists: {},
    rowsOf: (settings) => ({ columns: { open_data: settings.openData.published ? 1 : 0 }, lists: {} }),
  },
};
