import { type CommandProcessor, commandContextOf as contextOf } from '../core/command-processor';
import type { Actor } from '../core/event';
import type { Registry } from '../registry/registry';
import type { SecretBox } from '../registry/secret-box';
import { type Contact, type ContactDetails, ContactOfAnotherRegion, type ContactRole, contactsDecider, contactsStreamId, UnknownContact } from './contacts';

/** A contact as the API receives it: the webhook secret in the clear, sealed before it is recorded. */
export type ContactInput = ContactDetails & { webhookSecret?: string };

/**
 * Each region's reminder contacts: changed by commands on the region's stream (`contacts-<region>`), read from the
 * registry every node folds from the log. Every read and write names the region, and reaches that region's
 * contacts only.
 */
export class ContactDirectory {
  constructor(
    private readonly processor: CommandProcessor,
    private readonly registry: Registry,
    private readonly secrets: SecretBox,
  ) {}

  async save(region: string, contactId: string, input: ContactInput, by: Actor, at: Date): Promise<Contact> {
    const owner = this.registry.regionOfContactId(contactId);
    if (owner !== undefined && owner !== region) throw new ContactOfAnotherRegion(contactId, region);
    const { webhookSecret, ...details } = input;
    const data = { ...details, region, contactId, ...(webhookSecret ? { webhookSecret: this.secrets.seal(webhookSecret) } : {}) };
    const result = await this.processor.handle(contactsDecider, contactsStreamId(region), { type: 'SaveContact', data }, contextOf(by, at));
    await this.registry.caughtUpTo(result.position);
    return this.of(region, contactId);
  }

  async remove(region: string, contactId: string, by: Actor, at: Date): Promise<void> {
    const result = await this.processor.handle(contactsDecider, contactsStreamId(region), { type: 'RemoveContact', data: { region, contactId } }, contextOf(by, at));
    await this.registry.caughtUpTo(result.position);
  }

  of(region: string, contactId: string): Contact {
    const contact = this.registry.contactOfRegion(region, contactId);
    if (!contact) throw new UnknownContact(contactId, region);
    return contact;
  }

  /** A contact by its id alone, for the jobs that carry only the id (a daily digest). */
  byId(contactId: string): Contact | undefined {
    const region = this.registry.regionOfContactId(contactId);
    return region === undefined ? undefined : this.registry.contactOfRegion(region, contactId);
  }

  ofRegion(region: string): Contact[] {
    return this.registry.contactsOfRegion(region);
  }

  /** The contacts a recipient of a deadline stands for: a region's coordinators, or the staff or head of one OPD. */
  contactsFor(recipient: { region: string; role: ContactRole; opd?: string }): Contact[] {
    return this.registry.contactsFor(recipient);
  }
}
