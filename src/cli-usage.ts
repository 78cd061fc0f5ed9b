import { parseArgs } from 'node:util';

/** A command line that does not give a command what it needs: the CLI prints the message and exits with 1. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The value of an option (read by Node's `util.parseArgs`) that the command cannot do without. */
export function requiredOption(value: string | undefined, name: string): string {
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

/** The positional arguments of a command that has no options, read by `util.parseArgs`: any flag, or one too many, is refused. */
export function positionalsOnly(args: readonly string[], most: number): string[] {
  const { positionals } = parseArgs({ args: [...args], options: {}, allowPositionals: true, strict: true });
  if (positionals.length > most) throw new UsageError(`unexpected ${positionals.slice(most).join(' ')}`);
  return positionals;
}
