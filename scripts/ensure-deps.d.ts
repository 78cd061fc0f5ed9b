export type Purpose = 'test' | 'up';
export type SystemPartName = 'chromium' | 'redis' | 'postgres' | 'prometheus-parser';

export interface SystemPart {
  name: SystemPartName;
  debianPackage: string;
  neededBy: string;
  neededFor(purpose: Purpose): boolean;
  locate(): string | undefined;
}

export const SYSTEM_PARTS: readonly SystemPart[];
/** Where a program is (`postgres`: the directory of its server binaries; `prometheus-parser`: the Python that has it), or undefined when it is not installed. */
export function locateSystemPart(name: SystemPartName): string | undefined;
export function missingParts(purpose: Purpose): SystemPart[];
/** What is missing, the one command that installs it, and what happens until then. */
export function missingMessage(parts: readonly SystemPart[], purpose: Purpose): string;
