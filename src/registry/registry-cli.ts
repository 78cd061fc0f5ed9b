import { userInfo } from 'node:os';
import { SinergiConfig } from '../config/sinergi.config';
import { SystemClock } from '../core/clock.port';
import { CommandProcessor } from '../core/command-processor';
import type { Actor } from '../core/event';
import { openEventStore } from '../infrastructure/event-store-adapters';
import { Registry } from './registry';
import { secretsKeyFileOf } from './registry.module';
import { SecretBox } from './secret-box';
import { takeOverLocalFiles } from './takeover';

export const TAKEOVER_USAGE = 'takeover';

/** The registry of a command-line process: the configured store, folded, with the old files taken over first. */
export interface CliRegistry {
  processor: CommandProcessor;
  registry: Registry;
  secrets: SecretBox;
  close(): Promise<void>;
}

export async function openCliRegistry(print: (line: string) => void = () => undefined): Promise<CliRegistry> {
  const config = SinergiConfig.fromEnv();
  const store = await openEventStore(config, new SystemClock());
  try {
    const secrets = SecretBox.fromEnv(secretsKeyFileOf(config));
    const registry = new Registry(secrets);
    await registry.start(store);
    const processor = new CommandProcessor(store);
    for (const report of await takeOverLocalFiles(config.dataDir, { processor, registry, secrets })) print(report.summary);
    return {
      processor,
      registry,
      secrets,
      close: async () => {
        await registry.close();
        await store.close();
      },
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/** The operator at the shell, as the events the command line records name them. */
export function shellOperator(): Actor {
  return { userId: `cli:${userInfo().username}`, role: 'admin', region: 'deployment' };
}

/** `sinergi takeover`: moves access.sqlite and reminders.sqlite into the log now (the server also does it on start). */
export async function runTakeoverCommand(print: (line: string) => void = console.log): Promise<number> {
  const lines: string[] = [];
  const cli = await openCliRegistry((line) => lines.push(line));
  await cli.close();
  for (const line of lines) print(line);
  if (lines.length === 0) print('Nothing to take over: no access.sqlite or reminders.sqlite in SINERGI_DATA_DIR.');
  return 0;
}
