import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TestClock } from '../support/test-app';
import { OutboundTargets, TargetRefused } from '../../src/outbound/outbound-targets';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, type Delivery, WebhookChannel, webhookSignature } from '../../src/reminders/reminder-channels';

const SECRET = 'rahasia-webhook-dinkes-bengkulu';

/** A real receiver on the loopback address: what a request to an internal service would reach. */
async function receiver(answer: (respond: (status: number, headers?: Record<string, string>) => void) => void) {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer((status, headers) => response.writeHead(status, headers).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { received, port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const delivery = (webhookUrl: string): Delivery => ({
  deliveryId: 'reminder|follow-up-due|tl-1|17|D-7|dinkes|webhook',
  contact: { contactId: 'dinkes', region: '17', role: 'opd', opd: 'Dinas Kesehatan', name: 'Dinkes', webhookUrl, webhookSecret: SECRET, hasWebhookSecret: true, dailyDigest: false, version: 1 },
  message: { subject: 'Pengingat', text: 'Tindak lanjut jatuh tempo', link: 'https://sinergi.test/' },
  payload: { kind: 'follow-up-due' },
});

describe('a webhook delivery', () => {
  const clock = new TestClock('2026-06-23T01:00:00.000Z');
  let internal: Awaited<ReturnType<typeof receiver>>;
  let elsewhere: Awaited<ReturnType<typeof receiver>>;

  beforeAll(async () => {
    elsewhere = await receiver((respond) => respond(204));
    internal = await receiver((respond) => respond(302, { location: `http://127.0.0.1:${elsewhere.port}/metadata` }));
  });
  afterAll(async () => {
    await internal.close();
    await elsewhere.close();
  });
  beforeEach(() => {
    internal.received.length = 0;
    elsewhere.received.length = 0;
  });

  it('does not connect to a loopback address the deployment does not allow', async () => {
    const channel = new WebhookChannel(new OutboundTargets(), clock);
    await expect(channel.deliver(delivery(`http://127.0.0.1:${elsewhere.port}/`))).rejects.toBeInstanceOf(TargetRefused);
    expect(elsewhere.received).toEqual([]);
  });

  it('checks the addresses a name resolves to when it connects', async () => {
    const channel = new WebhookChannel(new OutboundTargets(), clock);
    await expect(channel.deliver(delivery(`http://localhost:${elsewhere.port}/`))).rejects.toBeInstanceOf(TargetRefused);
    expect(elsewhere.received).toEqual([]);
  });

  it('follows no redirect', async () => {
    const channel = new WebhookChannel(new OutboundTargets(['127.0.0.1']), clock);
    await expect(channel.deliver(delivery(`http://127.0.0.1:${internal.port}/hook`))).rejects.toThrow('webhook answered 302');
    expect(internal.received).toHaveLength(1);
    expect(elsewhere.received).toEqual([]);
  });

  it('signs the timestamp with the body, so a receiver can refuse a replay', async () => {
    const channel = new WebhookChannel(new OutboundTargets(['127.0.0.1']), clock);
    await channel.deliver(delivery(`http://127.0.0.1:${elsewhere.port}/hook`));
    const [{ headers, body }] = elsewhere.received;
    const timestamp = Number(headers[TIMESTAMP_HEADER]);
    expect(timestamp).toBe(Date.parse('2026-06-23T01:00:00.000Z') / 1000);
    expect(headers[SIGNATURE_HEADER]).toBe(webhookSignature(body, SECRET, timestamp));
    // The same body under another timestamp carries another signature: an old request cannot be dated anew.
    expect(headers[SIGNATURE_HEADER]).not.toBe(webhookSignature(body, SECRET, timestamp + 600));
  });
});
