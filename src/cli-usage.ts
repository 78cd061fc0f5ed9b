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
