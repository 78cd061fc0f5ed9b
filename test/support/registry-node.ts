import { randomBytes } from 'node:crypto';
import { CommandProcessor } from '../../src/core/command-processor';
import type { Actor } from '../../src/core/event';
import type { EventStore } from '../../src/core/event-store.port';
import { ContactDirectory } from '../../src/regions/contact-directory';
import { Registry } from '../../src/registry/registry';
import { SecretBox } from '../../src/registry/secret-box';

/** One deployment's key for sealed secrets, shared by the nodes of a test. */
export const testSecrets = (): SecretBox => SecretBox.fromKey(randomBytes(32));

/** What one node keeps of users, contacts and policies: a registry folded from the store, and the command path to it. */
export interface RegistryNode {
  registry: Registry;
  processor: CommandProcessor;
  contacts: ContactDirectory;
  close(): Promise<void>;
}

export async function registryNode(store: EventStore, secrets: SecretBox = testSecrets()): Promise<RegistryNode> {
  const registry = new Registry(secrets);
  await registry.start(store);
  const processor = new CommandProcessor(store);
  return { registry, processor, contacts: new ContactDirectory(processor, registry, secrets), close: () => registry.close() };
}

export const coordinatorOf = (region: string, userId = `biro-${region}`): Actor => ({ userId, role: 'coordinator', region });
