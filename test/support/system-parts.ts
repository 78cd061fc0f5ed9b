import { locateSystemPart, type SystemPartName } from '../../scripts/ensure-deps';

/**
 * `describe` where the program is installed; `describe.skip` where it is not, so its tests count as skipped and the
 * not-run reporter names what to install (`npm test` installs it first where it can: scripts/ensure-deps.js).
 */
export const describeNeeding = (part: SystemPartName): jest.Describe => (locateSystemPart(part) ? describe : describe.skip);

/** One test that needs the program, in a suite that otherwise does not. */
export const itNeeding = (part: SystemPartName): jest.It => (locateSystemPart(part) ? it : it.skip);
