import { InvalidInput } from '../../core/domain-error';
import type { IsoDate } from '../../agreements/domain/dates';

/** Semester I runs January to June, semester II July to December. */
export interface Semester {
  year: number;
  semester: 1 | 2;
}

export const semesterStart = ({ year, semester }: Semester): IsoDate => `${year}-${semester === 1 ? '01-01' : '07-01'}`;
export const semesterEnd = ({ year, semester }: Semester): IsoDate => `${year}-${semester === 1 ? '06-30' : '12-31'}`;
export const semesterRoman = ({ semester }: Semester): string => (semester === 1 ? 'I' : 'II');

/** Semesters that have not begun have nothing to report yet. */
export class SemesterNotStarted extends InvalidInput {
  constructor(semester: Semester, today: IsoDate) {
    super(`semester ${semesterRoman(semester)} of ${semester.year} begins on ${semesterStart(semester)}, after today (${today})`, 'semester');
  }
}

/**
 * The day a semester's report shows the state of: its last day once it is over, today while it runs. A report of
 * a past semester made later still shows that semester's end.
 */
export function reportDayOf(semester: Semester, today: IsoDate): IsoDate {
  if (semesterStart(semester) > today) throw new SemesterNotStarted(semester, today);
  const end = semesterEnd(semester);
  return end < today ? end : today;
}
