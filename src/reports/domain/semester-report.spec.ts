import { evolveAgreement, initialAgreementState, type RecordedAgreement } from '../../agreements/domain/agreement.state';
import { RegionDirectory } from '../../regions/domain/region-directory';
import { westJavaPortfolio } from '../../../test/projections/support/generated-histories';
import { reportDayOf, SemesterNotStarted } from './semester';
import { semesterReport } from './semester-report';

const regions = RegionDirectory.load();

/** West Java's 76 KSBs as generated histories, each folded to its end. */
function westJava76(): RecordedAgreement[] {
  return westJavaPortfolio(regions).flatMap((history) => {
    let state = initialAgreementState;
    for (let step = history.next(); step; step = history.next()) state = step.events.reduce(evolveAgreement, state);
    return state.stage === 'none' ? [] : [state];
  });
}

describe("West Java's semester report over its 76 KSBs", () => {
  const report = semesterReport({
    region: regions.find('32')!,
    semester: { year: 2026, semester: 1 },
    asOf: '2026-06-30',
    printedOn: '2026-07-15',
    agreements: westJava76(),
    regencies: [],
    source: { position: 1, seal: 'f'.repeat(64) },
    regions,
  });

  it('recaps them by counterpart category as seed 003 does: 27 kab/kota in Jabar, 20 provinces, 29 kab/kota elsewhere', () =>
    expect(report.tables.find((t) => t.sheet === 'Rekap Mitra')?.rows).toEqual([
      ['Kabupaten/kota di provinsi yang sama', '27', '27'],
      ['Provinsi', '20', '20'],
      ['Kabupaten/kota di provinsi lain', '29', '29'],
    ]));

  it('lists every KSB in the register', () =>
    expect(report.tables.find((t) => t.sheet === 'Register')?.rows.filter((row) => row[1] === 'KSB')).toHaveLength(76));

  it('says without a signatory set that one is still to be named, rather than printing someone', () =>
    expect(report.signature.lines).toContain('Penanda tangan laporan belum ditetapkan.'));
});

describe('the day a semester report shows', () => {
  it('is the last day of a semester that is over', () => expect(reportDayOf({ year: 2026, semester: 1 }, '2026-11-22')).toBe('2026-06-30'));
  it('is today while the semester runs', () => expect(reportDayOf({ year: 2026, semester: 2 }, '2026-11-22')).toBe('2026-11-22'));
  it('does not exist for a semester not yet begun', () => expect(() => reportDayOf({ year: 2027, semester: 1 }, '2026-11-22')).toThrow(SemesterNotStarted));
});
