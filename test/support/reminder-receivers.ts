import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { freePort } from './private-redis';
import { type RemindersSettings, remindersDisabled } from '../../src/config/sinergi.config';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from '../../src/reminders/reminder-channels';

export interface ReceivedMail {
  to: string[];
  raw: string;
  /** The raw message with quoted-printable undone, for reading the body. */
  text: string;
  deliveryId: string;
  subject: string;
}

export type HoldOutcome = 'accept' | 'refuse';

/** A real SMTP server that keeps what it is sent; `hold` keeps the DATA phase open until released. */
export class SmtpSink {
  readonly mails: ReceivedMail[] = [];
  private holding: { started: () => void; release: Promise<HoldOutcome> } | undefined;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<SmtpSink> {
    const port = await freePort();
    let sink: SmtpSink | undefined;
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          // Long header lines arrive folded: unfold them before reading.
          const unfolded = raw.replace(/\r?\n[ \t]+/g, ' ');
          const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(unfolded)?.[1]?.trim() ?? '';
          const accept = () => {
            sink?.mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, text: quotedPrintableDecoded(raw), deliveryId: header('X-Sinergi-Delivery'), subject: header('Subject') });
            callback();
          };
          const hold = sink?.holding;
          if (hold) {
            hold.started();
            void hold.release.then((outcome) => (outcome === 'accept' ? accept() : callback(new Error('released without accepting'))));
          } else accept();
        });
      },
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    sink = new SmtpSink(server, port);
    return sink;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /**
   * The next message's DATA is held: `held` resolves once a message is held. `release('refuse')` (the default)
   * answers it with an error; `release('accept')` keeps it, as a server does that got the whole message even though
   * its sender is gone.
   */
  hold(): { held: Promise<void>; release: (outcome?: HoldOutcome) => void } {
    let started!: () => void;
    let release!: (outcome: HoldOutcome) => void;
    const held = new Promise<void>((resolve) => (started = resolve));
    this.holding = { started, release: new Promise<HoldOutcome>((resolve) => (release = resolve)) };
    return { held, release: (outcome = 'refuse') => ((this.holding = undefined), release(outcome)) };
  }

  to(address: string): ReceivedMail[] {
    return this.mails.filter((m) => m.to.includes(address));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export interface ReceivedWebhook {
  path: string;
  body: Record<string, unknown>;
  headers: IncomingHttpHeaders;
  signatureValid: boolean;
}

/** A real HTTP receiver for webhooks, checking each body's HMAC-SHA256 signature against the shared secret. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(secret: string): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        receiver?.received.push({
          path: request.url ?? '',
          body: JSON.parse(raw) as Record<string, unknown>,
          headers: request.headers,
          signatureValid: request.headers[SIGNATURE_HEADER] === webhookSignature(raw, secret, Number(request.headers[TIMESTAMP_HEADER])),
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return receiver;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function quotedPrintableDecoded(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** Reminders switched on for one test: its private Redis, a queue prefix of its own, quick polls and retries. */
export function testReminders(redisUrl: string, overrides: Partial<RemindersSettings> = {}): RemindersSettings {
  return {
    ...remindersDisabled('unused'),
    disabledReason: undefined,
    redisUrl,
    mailFrom: 'Sinergi <sinergi@sinergi.test>',
    publicUrl: 'https://sinergi.test',
    queuePrefix: `test-${randomUUID()}`,
    pollMs: 100,
    attempts: 3,
    backoffMs: 100,
    concurrency: 5,
    // The test's receivers listen on the loopback address, as an office's internal gateway would on its network.
    webhookAllow: '127.0.0.1',
    ...overrides,
  };
}
