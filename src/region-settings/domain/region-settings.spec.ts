import { specFor } from '../../../test/support/given-when-then';
import { NipMalformed, type RegionSettingsEvent, regionSettingsDecider } from './region-settings';

const { given } = specFor(regionSettingsDecider);

const signatory = { position: 'Kepala Biro Pemerintahan dan Otonomi Daerah', name: 'Siti Rahmawati', nip: '197003121995032001' };
const signatorySet = (change: Partial<typeof signatory> = {}): RegionSettingsEvent => ({
  type: 'ReportSignatorySet',
  data: { region: '36', ...signatory, ...change },
});
const published = (on = '2026-07-01'): RegionSettingsEvent => ({ type: 'OpenDataPublished', data: { region: '36', on } });

describe('the signatory of a region’s reports', () => {
  it('is set with jabatan, name and NIP', () =>
    given().when({ type: 'SetReportSignatory', data: { region: '36', ...signatory } }).then(signatorySet()));

  it('is replaced by a new office holder, and the new one signs from then on', () =>
    given(signatorySet())
      .when({ type: 'SetReportSignatory', data: { region: '36', ...signatory, name: 'Ahmad Fauzi', nip: '198001012005011002' } })
      .thenState({ reportSignatory: { name: 'Ahmad Fauzi', nip: '198001012005011002' } }));

  it('records nothing when set again as it is', () =>
    given(signatorySet()).when({ type: 'SetReportSignatory', data: { region: '36', ...signatory } }).then());

  it('refuses a NIP that is not 18 digits', () =>
    given().when({ type: 'SetReportSignatory', data: { region: '36', ...signatory, nip: '19700312' } }).thenThrows(NipMalformed));
});

describe('the open data of a region', () => {
  it('is not published until the region opts in', () => given().thenState({ openData: { published: false } }));

  it('is published from the day the region opts in', () =>
    given().when({ type: 'SetOpenDataPublication', data: { region: '36', published: true, on: '2026-07-01' } }).then(published()));

  it('is withdrawn when the region opts out', () =>
    given(published())
      .when({ type: 'SetOpenDataPublication', data: { region: '36', published: false, on: '2026-08-01' } })
      .then({ type: 'OpenDataWithdrawn', data: { region: '36', on: '2026-08-01' } }));

  it('records nothing when asked for what already holds', () =>
    given(published()).when({ type: 'SetOpenDataPublication', data: { region: '36', published: true, on: '2026-09-01' } }).then());
});
