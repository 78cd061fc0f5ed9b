import { Forbidden, NotFound } from '../core/domain-error';
import { type Decider, ignoreUnknown } from '../core/decider';
import type { SealedSecret } from '../registry/secret-box';

export type ContactRole = 'coordinator' | 'opd' | 'opd-head';
export const CONTACT_ROLES: readonly ContactRole[] = ['coordinator', 'opd', 'opd-head'];

/** What a region records about someone reminders reach; the webhook secret only sealed (see `secret-box.ts`). */
export interface ContactDetails {
  role: ContactRole;
  /** The OPD, for `opd` and `opd-head`. */
  opd?: string;
  name: string;
  email?: string;
  webhookUrl?: string;
  /** One message a day with everything due, instead of one per reminder. */
  dailyDigest: boolean;
}

/** Someone reminders reach: a region's coordinators, an OPD's staff, or an OPD's head. */
export interface Contact extends ContactDetails {
  contactId: string;
  region: string;
  /** Signs webhook bodies (HMAC-SHA256); held in memory only, never shown by the API nor recorded in the clear. */
  webhookSecret?: string;
  /** A secret was recorded (sealed); when `webhookSecret` is missing all the same, this node cannot open it. */
  hasWebhookSecret: boolean;
  /** Where the contact's current details were recorded (the global position of its `ContactSaved`). */
  version: number;
}

/** A region's reminder directory is one stream: every change with who made it and when. */
export const contactsStreamId = (region: string): string => `contacts-${region}`;
export const CONTACTS_STREAM_PREFIX = 'contacts-';

export type ContactSaved = { type: 'ContactSaved'; data: ContactDetails & { region: string; contactId: string; webhookSecret?: SealedSecret } };
export type ContactRemoved = { type: 'ContactRemoved'; data: { region: string; contactId: string } };
export type ContactEvent = ContactSaved | ContactRemoved;

export type ContactCommand = { type: 'SaveContact'; data: ContactSaved['data'] } | { type: 'RemoveContact'; data: ContactRemoved['data'] };

/** The contact ids of one region. */
export type RegionContacts = ReadonlySet<string>;

export class UnknownContact extends NotFound {
  constructor(contactId: string, region: string) {
    super(`region ${region} has no contact ${contactId}`, 'contactId');
  }
}

/** Contact ids name one contact across the deployment (deliveries refer to them): another region's contact is out of reach. */
export class ContactOfAnotherRegion extends Forbidden {
  constructor(contactId: string, region: string) {
    super(`the contact id ${contactId} belongs to another region; choose another id for a contact of region ${region}`, 'contactId');
  }
}

export const contactsDecider: Decider<RegionContacts, ContactCommand, ContactEvent> = {
  initialState: new Set<string>(),
  evolve(state, event) {
    switch (event.type) {
      case 'ContactSaved':
        return state.has(event.data.contactId) ? state : new Set([...state, event.data.contactId]);
      case 'ContactRemoved': {
        const next = new Set(state);
        next.delete(event.data.contactId);
        return next;
      }
      default:
        return ignoreUnknown(event, state);
    }
  },
  decide(command, state) {
    switch (command.type) {
      case 'SaveContact':
        return [{ type: 'ContactSaved', data: command.data }];
      case 'RemoveContact':
        if (!state.has(command.data.contactId)) throw new UnknownContact(command.data.contactId, command.data.region);
        return [{ type: 'ContactRemoved', data: command.data }];
    }
  },
};
