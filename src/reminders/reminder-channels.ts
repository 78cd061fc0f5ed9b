import { createHash, createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import nodemailer from 'nodemailer';
import type { Clock } from '../core/clock.port';
import { type OutboundTargets, TargetRefused } from '../outbound/outbound-targets';
import type { Contact } from '../regions/contacts';
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

/**
 * `sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`, keyed with the contact's webhook secret. The timestamp
 * (Unix seconds, in `X-Sinergi-Timestamp`) is signed with the body, so a receiver can refuse an old request replayed.
 */
export const SIGNATURE_HEADER = 'x-sinergi-signature';
export const TIMESTAMP_HEADER = 'x-sinergi-timestamp';
export const DELIVERY_HEADER = 'x-sinergi-delivery';

const refusedTarget = (): TargetRefused => new TargetRefused('webhook target refused: it does not lead to a public address (internal receivers go in SINERGI_WEBHOOK_ALLOW)');

export const webhookSignature = (body: string, secret: string, timestamp: number): string =>
  `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;

/**
 * HTTP POST of JSON, signed, for WhatsApp or chat gateways. A 2xx answer is a delivery; anything else is not, a
 * redirect included: it is never followed. Where the request may go is checked as it connects, on the addresses the
 * host resolves to then (see `OutboundTargets`).
 */
export class WebhookChannel extends ReminderChannel {
  readonly name = 'webhook' as const;

  constructor(
    private readonly targets: OutboundTargets,
    private readonly clock: Clock,
    private readonly timeoutMs = 10_000,
  ) {
    super();
  }

  addressOf(contact: Contact): string | undefined {
    return contact.webhookUrl;
  }

  async deliver({ deliveryId, contact, message, payload }: Delivery): Promise<string> {
    // Never unsigned when the receiver expects a signature: a node without the deployment's key holds the webhook back.
    if (contact.hasWebhookSecret && !contact.webhookSecret) throw new Error('the webhook secret cannot be opened on this node: give it the deployment key (SINERGI_SECRETS_KEY)');
    const body = JSON.stringify({ id: deliveryId, subject: message.subject, text: message.text, link: message.link, ...payload });
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const status = await this.post(contact.webhookUrl ?? '', body, {
      'content-type': 'application/json',
      [DELIVERY_HEADER]: deliveryId,
      ...(contact.webhookSecret
        ? { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: webhookSignature(body, contact.webhookSecret, timestamp) }
        : {}),
    });
    if (status < 200 || status > 299) throw new Error(`webhook answered ${status}`);
    return deliveryId;
  }

  /** The answer's status; the answer's body is not read, so nothing of an internal page can travel back. */
  private post(target: string, body: string, headers: Record<string, string>): Promise<number> {
    const url = URL.canParse(target) ? new URL(target) : undefined;
    const refused = url ? this.targets.connectProblem(url) : 'it is not a URL';
    if (!url || refused) return Promise.reject(refusedTarget());
    return new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const request = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: this.targets.lookup, agent: false });
      request.setTimeout(this.timeoutMs, () => request.destroy(new Error(`webhook did not answer within ${this.timeoutMs} ms`)));
      // Recorded with the delivery, where the agreement's parties read it: it says refused, not what the name resolved to.
      request.on('error', (error) => reject(error instanceof TargetRefused ? refusedTarget() : error));
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.end(body);
    });
  }
}
