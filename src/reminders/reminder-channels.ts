import { createHash, createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Contact } from './reminders.store';
import type { ReminderChannelName } from './reminder.events';
import type { ReminderMessage } from './reminder-message';

export interface Delivery {
  deliveryId: string;
  contact: Contact;
  message: ReminderMessage;
  /** What a webhook receiver gets besides the text. */
  payload: Record<string, unknown>;
}

/** A way to reach a contact (port: mail and webhook adapters). */
export abstract class ReminderChannel {
  abstract readonly name: ReminderChannelName;
  /** The contact's address on this channel, or undefined when they have none. */
  abstract addressOf(contact: Contact): string | undefined;
  /** Resolves with the message id once the receiver has accepted it; rejects when it did not. */
  abstract deliver(delivery: Delivery): Promise<string>;
  close(): void {}
}

/** The same delivery always carries the same Message-ID, so a mail system can drop a duplicate. */
export const messageIdOf = (deliveryId: string, domain: string): string =>
  `<${createHash('sha256').update(deliveryId).digest('hex').slice(0, 32)}@${domain}>`;

export interface MailSettings {
  /** smtp://user:pass@host:port or smtps://... */
  url: string;
  from: string;
}

export class MailChannel extends ReminderChannel {
  readonly name = 'email' as const;
  private readonly transport;
  private readonly domain: string;

  constructor(private readonly settings: MailSettings) {
    super();
    this.transport = nodemailer.createTransport(settings.url);
    this.domain = settings.from.split('@')[1]?.replace(/>.*$/, '') || 'sinergi.local';
  }

  addressOf(contact: Contact): string | undefined {
    return contact.email;
  }

  async deliver({ deliveryId, contact, message }: Delivery): Promise<string> {
    const messageId = messageIdOf(deliveryId, this.domain);
    await this.transport.sendMail({
      from: this.settings.from,
      to: { name: contact.name, address: contact.email ?? '' },
      subject: message.subject,
      text: message.text,
      messageId,
      headers: { 'X-Sinergi-Delivery': deliveryId },
    });
    return messageId;
  }

  close(): void {
    this.transport.close();
  }
}

/** The header with `sha256=<hex HMAC-SHA256 of the raw body>`, keyed with the contact's webhook secret. */
export const SIGNATURE_HEADER = 'x-sinergi-signature';
export const DELIVERY_HEADER = 'x-sinergi-delivery';

export const webhookSignature = (body: string, secret: string): string => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** HTTP POST of JSON, signed, for WhatsApp or chat gateways. A 2xx answer is a delivery; anything else is not. */
export class WebhookChannel extends ReminderChannel {
  readonly name = 'webhook' as const;

  constructor(private readonly timeoutMs = 10_000) {
    super();
  }

  addressOf(contact: Contact): string | undefined {
    return contact.webhookUrl;
  }

  async deliver({ deliveryId, contact, message, payload }: Delivery): Promise<string> {
    const body = JSON.stringify({ id: deliveryId, subject: message.subject, text: message.text, link: message.link, ...payload });
    const response = await fetch(contact.webhookUrl ?? '', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [DELIVERY_HEADER]: deliveryId,
        ...(contact.webhookSecret ? { [SIGNATURE_HEADER]: webhookSignature(body, contact.webhookSecret) } : {}),
      },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!response.ok) throw new Error(`webhook answered ${response.status}`);
    return deliveryId;
  }
}
