/** Parsed `sinergi` arguments: positionals, `--name value` options and bare `--switch`es. */
export interface ParsedArgs {
  positionals: string[];
  options: Record<string, string>;
  switches: Set<string>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `switches` lists the flags that take no value; every other `--flag` takes the next argument. */
export function parseArgs(args: readonly string[], switches: readonly string[] = []): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], options: {}, switches: new Set() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) {
      parsed.positionals.push(arg);
      continue;
    }
    const name = arg.slice(2);
    if (switches.includes(name)) {
      parsed.switches.add(name);
      continue;
    }
    const value = args[i + 1];
    if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
    parsed.options[name] = value;
    i++;
  }
  return parsed;
}

export function requiredOption(parsed: ParsedArgs, name: string): string {
  const value = parsed.options[name];
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
}

export function wholeNumberOption(parsed: ParsedArgs, name: string): number | undefined {
  const value = parsed.options[name];
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}
