import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BANTEN, BENGKULU, bantenCoordinator, bantenOffersBengkulu, bengkuluCoordinator } from '../e2e/http-fixtures';
import { addUsers, ServerProcess } from '../support/server-process';
import { waitUntil } from '../support/wait-until';

/** A span as OTLP/JSON carries it (ids in hex), with its attributes made plain. */
interface ExportedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  status?: { code?: number };
  links?: { spanId: string }[];
  attributes: Record<string, string | number | boolean>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: number | string;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpAttribute {
  key: string;
  value: OtlpValue;
}
type OtlpSpan = Omit<ExportedSpan, 'attributes'> & { attributes?: OtlpAttribute[] };
interface OtlpTraces {
  resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

const plain = (attributes: OtlpAttribute[] = []) =>
  Object.fromEntries(attributes.map(({ key, value }) => [key, value.stringValue ?? (value.intValue !== undefined ? Number(value.intValue) : (value.doubleValue ?? value.boolValue))])) as ExportedSpan['attributes'];

/** A collector's OTLP/HTTP traces endpoint: it keeps every request as sent, and the spans in it. */
class OtlpReceiver {
  readonly bodies: { path: string; contentType: string | undefined; text: string }[] = [];
  readonly spans: ExportedSpan[] = [];
  readonly resources: ExportedSpan['attributes'][] = [];
  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    let receiver: OtlpReceiver | undefined;
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        receiver!.bodies.push({ path: request.url ?? '', contentType: request.headers['content-type'], text });
        for (const { resource, scopeSpans } of (JSON.parse(text) as OtlpTraces).resourceSpans) {
          receiver!.resources.push(plain(resource.attributes));
          for (const span of scopeSpans.flatMap((scope) => scope.spans)) receiver!.spans.push({ ...span, attributes: plain(span.attributes) });
        }
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    receiver = new OtlpReceiver(server);
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The server in a process of its own, as an operator runs it with a collector's address. */
describe('traces, with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sinergi-traces-'));
  let receiver: OtlpReceiver;
  let server: ServerProcess;
  let tokens: string[];
  let agreementId: string;
  const spanNamed = (name: string, where: (span: ExportedSpan) => boolean = () => true) => {
    const found = receiver.spans.filter((span) => span.name === name && where(span));
    expect(found).toHaveLength(1);
    return found[0];
  };

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
    tokens = await addUsers(dataDir, [
      { userId: bantenCoordinator.userId, role: 'coordinator', region: BANTEN },
      { userId: bengkuluCoordinator.userId, role: 'coordinator', region: BENGKULU },
    ]);
    server = await ServerProcess.start(dataDir, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '100' });
    // Once the read models are live, the projector follows the log in batches (a first build reads it whole).
    await waitUntil(async () => (await fetch(`${server.url}/health/ready`)).status === 200, 'the read models to be live', 60_000);
    const post = (token: string, path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const proposed = await post(tokens[0], '/agreements', bantenOffersBengkulu);
    expect(proposed.status).toBe(201);
    agreementId = ((await proposed.json()) as { agreementId: string }).agreementId;
    expect((await post(tokens[1], `/agreements/${agreementId}/acceptances`, { party: BENGKULU })).status).toBe(200);
    // Accepted once already: the lifecycle refuses a second acceptance.
    expect((await post(tokens[1], `/agreements/${agreementId}/acceptances`, { party: BENGKULU })).status).toBe(409);
    await waitUntil(
      () => receiver.spans.filter((span) => span.name.startsWith('POST ')).length === 3 && receiver.spans.some((span) => span.name === 'projector batch'),
      'the spans of three requests and a projector batch',
      20_000,
    );
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    await receiver?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('are sent over OTLP/HTTP as JSON, named after the service', () => {
    expect(receiver.bodies.length).toBeGreaterThan(0);
    for (const body of receiver.bodies) {
      expect(body.path).toBe('/v1/traces');
      expect(body.contentType).toBe('application/json');
    }
    expect(receiver.resources[0]['service.name']).toBe('sinergi');
  });

  it('show a command as the child of its request, its append of the command, its commit of the append', () => {
    const request = spanNamed('POST /agreements');
    expect(request.kind).toBe(2); // server
    expect(request.parentSpanId ?? '').toBe('');
    expect(request.attributes).toEqual({ 'http.request.method': 'POST', 'http.route': '/agreements', 'http.response.status_code': 201 });

    const command = spanNamed('command ProposeAgreement');
    expect([command.traceId, command.parentSpanId]).toEqual([request.traceId, request.spanId]);
    expect(command.attributes).toEqual({
      'sinergi.command.type': 'ProposeAgreement',
      'sinergi.command.outcome': 'appended',
      'sinergi.stream': `agreement-${agreementId}`,
    });

    const append = spanNamed('event-store append', (span) => span.parentSpanId === command.spanId);
    expect(append.traceId).toBe(request.traceId);
    expect(append.attributes).toEqual({ 'sinergi.stream': `agreement-${agreementId}`, 'sinergi.events': 1 });

    const commit = spanNamed('event-store commit', (span) => span.parentSpanId === append.spanId);
    expect(commit.traceId).toBe(request.traceId);
    expect(commit.attributes['sinergi.appends']).toBeGreaterThanOrEqual(1);
    expect(commit.attributes['sinergi.events']).toBeGreaterThanOrEqual(1);
  });

  it('tell a refused command from a failed one: a refusal is an answer, not an error', () => {
    const refusedRequest = spanNamed('POST /agreements/:agreementId/acceptances', (span) => span.attributes['http.response.status_code'] === 409);
    const refused = spanNamed('command AcceptOffer', (span) => span.parentSpanId === refusedRequest.spanId);
    expect(refused.attributes['sinergi.command.outcome']).toBe('refused');
    expect(refused.status?.code ?? 0).not.toBe(2);
    // The only errors: the readiness probe's 503s while the read models were first built.
    const errors = receiver.spans.filter((span) => span.status?.code === 2);
    expect(errors.map((span) => [span.name, span.attributes['http.response.status_code']])).toEqual(errors.map(() => ['GET /health/ready', 503]));
  });

  it('show the projector’s batches as traces of their own', () => {
    const batches = receiver.spans.filter((span) => span.name === 'projector batch');
    expect(batches.length).toBeGreaterThan(0);
    for (const batch of batches) {
      expect(batch.parentSpanId ?? '').toBe('');
      expect(batch.attributes['sinergi.events']).toBeGreaterThan(0);
      expect(batch.attributes['sinergi.committed']).toBe(true);
    }
  });

  it('carry no token, no Authorization header and no request body anywhere', () => {
    const sent = receiver.bodies.map((body) => body.text).join('\n');
    for (const token of tokens) expect(sent).not.toContain(token);
    expect(sent).not.toMatch(/bearer|authorization/i);
    expect(sent).not.toContain(bantenOffersBengkulu.title);
  });
});

describe('traces, without an endpoint', () => {
  // prom-client loads @opentelemetry/api in any case (a facade that does nothing until an SDK registers): what must stay
  // unloaded is the SDK and the exporter.
  it('load no OpenTelemetry SDK: one module requires it, and only when an endpoint is set', () => {
    const src = join(__dirname, '../../src');
    const importers = (readdirSync(src, { recursive: true }) as string[])
      .filter((file) => file.endsWith('.ts') && readFileSync(join(src, file), 'utf8').includes("from '@opentelemetry/"))
      .map((file) => file.split('\\').join('/'));
    expect(importers).toEqual(['core/open-telemetry-tracing.ts']);

    const loaded = (env: Record<string, string>) =>
      execFileSync(
        process.execPath,
        [
          '--require',
          join(__dirname, '../support/swc-register.js'),
          '-e',
          `require('${src}/main'); require('${src}/core/tracing').tracing();
           console.log(Object.keys(require.cache).some((file) => /@opentelemetry[\\/](sdk-|exporter-)/.test(file)))`,
        ],
        { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' },
      ).trim();
    expect(loaded({})).toBe('false');
    expect(loaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe('true');
  });
});
