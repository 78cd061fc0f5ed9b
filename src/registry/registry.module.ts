import { join } from 'node:path';
import { Global, Inject, Logger, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { SinergiConfig } from '../config/sinergi.config';
import { CommandProcessor } from '../core/command-processor';
import { EventStore } from '../core/event-store.port';
import { ContactDirectory } from '../regions/contact-directory';
import { Registry } from './registry';
import { SecretBox } from './secret-box';
import { takeOverLocalFiles } from './takeover';

const logger = new Logger('Registry');

export const secretsKeyFileOf = (config: SinergiConfig): string => join(config.dataDir, 'secrets.key');

/**
 * Users, reminder contacts and region policies, as events: the registry every node folds from the log, the
 * deployment's key for sealed secrets, and the one-time takeover of the files that held them before.
 */
@Global()
@Module({
  providers: [
    { provide: SecretBox, useFactory: (config: SinergiConfig) => SecretBox.fromEnv(secretsKeyFileOf(config)), inject: [SinergiConfig] },
    {
      provide: Registry,
      useFactory: async (store: EventStore, secrets: SecretBox) => {
        const registry = new Registry(secrets);
        await registry.start(store);
        return registry;
      },
      inject: [EventStore, SecretBox],
    },
    {
      provide: ContactDirectory,
      useFactory: (processor: CommandProcessor, registry: Registry, secrets: SecretBox) => new ContactDirectory(processor, registry, secrets),
      inject: [CommandProcessor, Registry, SecretBox],
    },
  ],
  exports: [SecretBox, Registry, ContactDirectory],
})
export class RegistryModule implements OnModuleInit, OnModuleDestroy {
  constructor(
    @Inject(SinergiConfig) private readonly config: SinergiConfig,
    @Inject(CommandProcessor) private readonly processor: CommandProcessor,
    @Inject(Registry) private readonly registry: Registry,
    @Inject(SecretBox) private readonly secrets: SecretBox,
  ) {}

  /** Takes over `access.sqlite` and `reminders.sqlite` once, before the API answers anyone. */
  async onModuleInit(): Promise<void> {
    for (const report of await takeOverLocalFiles(this.config.dataDir, { processor: this.processor, registry: this.registry, secrets: this.secrets })) {
      logger.log(report.summary);
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.registry.close();
  }
}
