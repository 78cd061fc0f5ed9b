import { randomUUID } from 'node:crypto';
import {
  Metadata,
  Server,
  ServerCredentials,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type sendUnaryData,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { ServerFeaturesService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/serverfeatures_pb';
import { Empty, StreamIdentifier, UUID } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/shared_pb';
import { Status } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/status_pb';
import { StreamsService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_grpc_pb';
import { ReadReq, ReadResp, TombstoneReq, TombstoneResp } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v1/streams_pb';
import {
  StreamAlreadyInAppendSessionErrorDetails,
  StreamRevisionConflictErrorDetails,
  StreamTombstonedErrorDetails,
} from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/errors_pb';
import { StreamsServiceService } from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/streams_grpc_pb';
import {
  AppendRequest,
  AppendResponse,
  AppendSessionResponse,
  SchemaFormat,
} from '@kurrent/kurrentdb-client/generated/kurrentdb/protocols/v2/streams/streams_pb';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Timestamp } from 'google-protobuf/google/protobuf/timestamp_pb';

/** The remote calls the stand-in answers, counted one by one: what a client's operation costs in round trips. */
export type KurrentDbRpc = 'serverFeatures' | 'read' | 'subscribe' | 'appendSession' | 'tombstone';

export interface KurrentDbStandIn {
  /** A connection string for the real client: `kurrentdb://127.0.0.1:<port>?tls=false&...`. */
  readonly url: string;
  /** How many calls of each kind it has answered since it started. */
  rpcs(): Readonly<Record<KurrentDbRpc, number>>;
  /** Ends every live subscription with UNAVAILABLE, as a node going away does; clients must subscribe again. */
  dropSubscriptions(): void;
  /** Closes every connection and call, and forgets everything it held. */
  stop(): Promise<void>;
}

/**
 * A stand-in for a KurrentDB 25.1 node, for tests only: an in-process gRPC server, built on the protocol definitions
 * shipped inside `@kurrent/kurrentdb-client`, that the real client (its JavaScript half and its native Rust bridge,
 * both unmodified) talks to over a real socket, without TLS.
 *
 * It answers only what Sinergi's adapter uses, with KurrentDB's documented semantics:
 * - `kurrentdb.protocol.v2.streams.StreamsService/AppendSession` (multi-stream append): atomic (every stream of the
 *   session is written or none), expected revisions checked for every stream before anything is written (a number,
 *   no stream, any, stream exists), a conflict answered FAILED_PRECONDITION with `StreamRevisionConflictErrorDetails`,
 *   a tombstoned stream with `StreamTombstonedErrorDetails`, a stream twice in one session refused;
 * - `event_store.client.streams.Streams/Read`: a stream or `$all`, forwards or backwards, from a revision, a
 *   position, the start or the end, with a count; a missing stream answered `stream_not_found`, a tombstoned one
 *   with the `stream-deleted` error; and catch-up subscriptions to a stream or to `$all` (filtered by stream name or
 *   event type, by prefixes or a regular expression): confirmation, the past, "caught up", then live events;
 * - `event_store.client.streams.Streams/Tombstone`, so that a deleted stream can be tested;
 * - `event_store.client.server_features.ServerFeatures/GetSupportedMethods`, which the client probes on connecting.
 *
 * It leaves out everything else: clustering and gossip, leader election, persistence across restarts (it keeps
 * everything in memory), authentication and access control, TLS, the v1 Append and BatchAppend calls, soft deletes
 * and stream metadata ($maxCount, $tb ...), system streams and projections, persistent subscriptions, filtered
 * subscriptions' checkpoints, idempotent re-appends of the same event ids, and size limits.
 * It is no KurrentDB and says nothing about KurrentDB's speed; the run against a real server (KURRENTDB_URL) stays.
 */
export async function startKurrentDbStandIn(): Promise<KurrentDbStandIn> {
  const node = new StandInNode();
  const server = new Server();
  server.addService(ServerFeaturesService, {
    getSupportedMethods: (call: ServerUnaryCall<Empty, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) =>
      node.supportedMethods(call, callback),
  });
  server.addService(StreamsService, {
    read: (call: ServerWritableStream<ReadReq, ReadResp>) => node.read(call),
    tombstone: (call: ServerUnaryCall<TombstoneReq, TombstoneResp>, callback: sendUnaryData<TombstoneResp>) =>
      node.tombstone(call, callback),
  });
  server.addService(StreamsServiceService, {
    appendSession: (call: ServerReadableStream<AppendRequest, AppendSessionResponse>, callback: sendUnaryData<AppendSessionResponse>) =>
      node.appendSession(call, callback),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    // The client's native half waits `discoveryInterval` (500 ms by default) before it first connects, even to a
    // single node: a short one keeps a test's connection from costing half a second.
    url: `kurrentdb://127.0.0.1:${port}?tls=false&discoveryInterval=10`,
    rpcs: () => ({ ...node.calls }),
    dropSubscriptions: () => node.stopSubscriptions(failure(status.UNAVAILABLE, 'the stand-in dropped the subscription')),
    stop: async () => {
      node.stopSubscriptions();
      await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
      server.forceShutdown();
    },
  };
}

/** The stand-in's own version string; KurrentDB 25.1 is the first with multi-stream appends. */
const VERSION = '25.1.0-stand-in';
/** KurrentDB's expected-revision sentinels on the wire. */
const ANY = -2n;
const NO_STREAM = -1n;
const STREAM_EXISTS = -4n;
/** .NET ticks (100 ns) per millisecond: KurrentDB's `created` is in ticks since the Unix epoch. */
const TICKS_PER_MS = 10_000n;

interface StoredRecord {
  stream: string;
  revision: bigint;
  /** Its place in `$all`: commit and prepare positions are the same here, and grow with the bytes written. */
  position: bigint;
  id: string;
  type: string;
  contentType: string;
  data: Uint8Array;
  customMetadata: Uint8Array;
  created: string;
}

type Filter = (record: StoredRecord) => boolean;
type Listener = (records: readonly StoredRecord[]) => void;

class StandInNode {
  readonly calls: Record<KurrentDbRpc, number> = { serverFeatures: 0, read: 0, subscribe: 0, appendSession: 0, tombstone: 0 };
  private readonly streams = new Map<string, StoredRecord[]>();
  private readonly tombstoned = new Set<string>();
  private readonly all: StoredRecord[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly subscriptions = new Set<ServerWritableStream<ReadReq, ReadResp>>();
  /** Not 0: a client must not mistake positions in `$all` for counts of events. */
  private nextPosition = 4096n;

  supportedMethods(_call: ServerUnaryCall<Empty, SupportedMethods>, callback: sendUnaryData<SupportedMethods>): void {
    this.calls.serverFeatures++;
    const method = (service: string, name: string, features: string[] = []): SupportedMethod =>
      new SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
    callback(
      null,
      new SupportedMethods()
        .setEventStoreServerVersion(VERSION)
        .setMethodsList([
          method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
          method('event_store.client.streams.streams', 'read', ['position', 'events']),
          method('event_store.client.streams.streams', 'tombstone'),
          method('kurrentdb.protocol.v2.streams.streamsservice', 'appendsession'),
        ]),
    );
  }

  read(call: ServerWritableStream<ReadReq, ReadResp>): void {
    const options = call.request.getOptions();
    if (!options) return endWith(call, failure(status.INVALID_ARGUMENT, 'a read needs its options'));
    const subscription = options.hasSubscription();
    this.calls[subscription ? 'subscribe' : 'read']++;
    const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
    const send = (record: StoredRecord): boolean => this.write(call, new ReadResp().setEvent(readEvent(record, structuredIds)));
    const streamOptions = options.getStream();
    const streamName = streamOptions ? nameOf(streamOptions.getStreamIdentifier()) : undefined;
    if (streamName !== undefined && this.tombstoned.has(streamName)) return endWith(call, streamDeleted(streamName));
    if (subscription) return this.subscribe(call, options, send);

    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const count = BigInt(options.getCount() || '0');
    let records: StoredRecord[];
    if (streamOptions && streamName !== undefined) {
      const stream = this.streams.get(streamName);
      if (!stream) {
        this.write(call, new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(identifier(streamName))));
        return void call.end();
      }
      const from = streamOptions.hasRevision() ? BigInt(streamOptions.getRevision()) : undefined;
      const start = streamOptions.hasEnd() ? BigInt(stream.length) : streamOptions.hasStart() ? 0n : (from ?? 0n);
      records = backwards ? stream.filter((r) => r.revision <= start).reverse() : stream.filter((r) => r.revision >= start);
    } else {
      const allOptions = options.getAll();
      const from = allOptions?.hasPosition() ? BigInt(allOptions.getPosition()?.getCommitPosition() ?? '0') : undefined;
      // Backwards from a position gives what lies before it; forwards, what lies at it and after.
      const filter = filterOf(options);
      const start = allOptions?.hasEnd() ? this.nextPosition : allOptions?.hasStart() ? 0n : (from ?? 0n);
      records = (backwards ? this.all.filter((r) => r.position < start).reverse() : this.all.filter((r) => r.position >= start)).filter(filter);
    }
    for (const record of records.slice(0, Number(count))) send(record);
    call.end();
  }

  tombstone(call: ServerUnaryCall<TombstoneReq, TombstoneResp>, callback: sendUnaryData<TombstoneResp>): void {
    this.calls.tombstone++;
    const options = call.request.getOptions();
    const stream = nameOf(options?.getStreamIdentifier());
    if (!options || stream === undefined) return callback(failure(status.INVALID_ARGUMENT, 'a tombstone needs a stream'));
    if (this.tombstoned.has(stream)) return callback(streamDeleted(stream));
    const expected = options.hasRevision()
      ? BigInt(options.getRevision())
      : options.hasNoStream()
        ? NO_STREAM
        : options.hasStreamExists()
          ? STREAM_EXISTS
          : ANY;
    const actual = this.lastRevision(stream);
    if (!satisfies(expected, actual)) return callback(wrongExpectedVersion(stream, expected, actual));
    this.tombstoned.add(stream);
    this.streams.delete(stream);
    const position = this.nextPosition++;
    callback(null, new TombstoneResp().setPosition(new TombstoneResp.Position().setCommitPosition(`${position}`).setPreparePosition(`${position}`)));
  }

  appendSession(
    call: ServerReadableStream<AppendRequest, AppendSessionResponse>,
    callback: sendUnaryData<AppendSessionResponse>,
  ): void {
    this.calls.appendSession++;
    const requests: AppendRequest[] = [];
    call.on('data', (request: AppendRequest) => requests.push(request));
    call.on('error', () => undefined);
    call.on('end', () => {
      try {
        callback(null, this.commit(requests));
      } catch (error) {
        callback(error as ServiceError);
      }
    });
  }

  /** Ends every live subscription: normally, or with `error`. */
  stopSubscriptions(error?: Partial<ServiceError> & Error): void {
    this.listeners.clear();
    for (const call of this.subscriptions) {
      if (error) endWith(call, error);
      else call.end();
    }
    this.subscriptions.clear();
  }

  /** Checks every stream of the session first, then writes them all: nothing is written when one check fails. */
  private commit(requests: AppendRequest[]): AppendSessionResponse {
    if (requests.length === 0) throw failure(status.INVALID_ARGUMENT, 'an append session needs at least one stream');
    const seen = new Set<string>();
    for (const request of requests) {
      const stream = request.getStream();
      if (seen.has(stream)) {
        throw withDetails(status.FAILED_PRECONDITION, `stream ${stream} appears twice in one append session`,
          'StreamAlreadyInAppendSessionErrorDetails', new StreamAlreadyInAppendSessionErrorDetails().setStream(stream).serializeBinary());
      }
      seen.add(stream);
      if (request.getRecordsList().length === 0) throw failure(status.INVALID_ARGUMENT, `no records for stream ${stream}`);
      if (this.tombstoned.has(stream)) {
        throw withDetails(status.FAILED_PRECONDITION, `stream ${stream} is tombstoned`, 'StreamTombstonedErrorDetails',
          new StreamTombstonedErrorDetails().setStream(stream).serializeBinary());
      }
      const expected = BigInt(request.getExpectedRevision() ?? `${ANY}`);
      const actual = this.lastRevision(stream);
      if (!satisfies(expected, actual)) {
        throw withDetails(status.FAILED_PRECONDITION, `wrong expected revision for stream ${stream}`, 'StreamRevisionConflictErrorDetails',
          new StreamRevisionConflictErrorDetails().setStream(stream).setExpectedRevision(`${expected}`).setActualRevision(`${actual}`).serializeBinary());
      }
    }
    const created = `${BigInt(Date.now()) * TICKS_PER_MS}`;
    const written: StoredRecord[] = [];
    const outputs = requests.map((request) => {
      const stream = request.getStream();
      const records = this.streams.get(stream) ?? [];
      this.streams.set(stream, records);
      for (const record of request.getRecordsList()) {
        const data = record.getData_asU8();
        const type = record.getSchema()?.getName() ?? '';
        const properties = Object.fromEntries(record.getPropertiesMap().toArray().map(([key, value]) => [key, value.toJavaScript()]));
        const stored: StoredRecord = {
          stream,
          revision: BigInt(records.length),
          position: this.nextPosition,
          id: record.getRecordId() || randomUUID(),
          type,
          contentType: record.getSchema()?.getFormat() === SchemaFormat.SCHEMA_FORMAT_JSON ? 'application/json' : 'application/octet-stream',
          data,
          customMetadata: Object.keys(properties).length > 0 ? Buffer.from(JSON.stringify(properties)) : new Uint8Array(),
          created,
        };
        // Positions grow with the bytes written, as offsets in KurrentDB's transaction file do.
        this.nextPosition += BigInt(128 + stream.length + type.length + data.length);
        records.push(stored);
        written.push(stored);
      }
      const last = records[records.length - 1];
      return new AppendResponse().setStream(stream).setStreamRevision(`${last.revision}`).setPosition(`${last.position}`);
    });
    this.all.push(...written);
    for (const listener of [...this.listeners]) listener(written);
    return new AppendSessionResponse().setOutputList(outputs).setPosition(`${written[written.length - 1].position}`);
  }

  /**
   * A catch-up subscription: what is stored after its starting point and passes its filter, "caught up", then every
   * new record as it is committed. The past is read and the listener registered in the same turn, so no commit falls
   * between them.
   */
  private subscribe(call: ServerWritableStream<ReadReq, ReadResp>, options: ReadReq.Options, send: (record: StoredRecord) => boolean): void {
    const streamOptions = options.getStream();
    let matches: Filter;
    let past: StoredRecord[];
    if (streamOptions) {
      const stream = nameOf(streamOptions.getStreamIdentifier()) ?? '';
      const after = streamOptions.hasRevision() ? BigInt(streamOptions.getRevision()) : -1n;
      matches = (record) => record.stream === stream;
      past = streamOptions.hasEnd() ? [] : (this.streams.get(stream) ?? []).filter((r) => r.revision > after);
    } else {
      const allOptions = options.getAll();
      const after = allOptions?.hasPosition() ? BigInt(allOptions.getPosition()?.getCommitPosition() ?? '0') : -1n;
      matches = filterOf(options);
      past = allOptions?.hasEnd() ? [] : this.all.filter((r) => r.position > after && matches(r));
    }
    this.write(call, new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    for (const record of past) send(record);
    const caughtUp = new ReadResp.CaughtUp().setTimestamp(Timestamp.fromDate(new Date()));
    const last = this.all[this.all.length - 1];
    if (last) caughtUp.setPosition(new ReadResp.Position().setCommitPosition(`${last.position}`).setPreparePosition(`${last.position}`));
    this.write(call, new ReadResp().setCaughtUp(caughtUp));
    const listener: Listener = (records) => {
      for (const record of records) if (matches(record)) send(record);
    };
    this.listeners.add(listener);
    this.subscriptions.add(call);
    const stop = (): void => {
      this.listeners.delete(listener);
      this.subscriptions.delete(call);
    };
    call.on('cancelled', stop);
    call.on('close', stop);
  }

  private write(call: ServerWritableStream<ReadReq, ReadResp>, response: ReadResp): boolean {
    if (call.cancelled || call.destroyed) return false;
    call.write(response);
    return true;
  }

  private lastRevision(stream: string): bigint {
    const records = this.streams.get(stream);
    return records && records.length > 0 ? records[records.length - 1].revision : NO_STREAM;
  }
}

/** Ends a streamed answer with an error status (grpc-js sends the status of a stream that ends on 'error'). */
function endWith(call: ServerWritableStream<ReadReq, ReadResp>, error: Partial<ServiceError> & Error): void {
  call.emit('error', error);
}

function satisfies(expected: bigint, actual: bigint): boolean {
  if (expected === ANY) return true;
  if (expected === NO_STREAM) return actual === NO_STREAM;
  if (expected === STREAM_EXISTS) return actual !== NO_STREAM;
  return expected === actual;
}

function filterOf(options: ReadReq.Options): Filter {
  const filter = options.getFilter();
  if (!filter) return () => true;
  const onType = filter.hasEventType();
  const expression = onType ? filter.getEventType() : filter.getStreamIdentifier();
  const prefixes = expression?.getPrefixList() ?? [];
  const regex = expression?.getRegex() ? new RegExp(expression.getRegex()) : undefined;
  return (record) => {
    const value = onType ? record.type : record.stream;
    return prefixes.length > 0 ? prefixes.some((prefix) => value.startsWith(prefix)) : regex ? regex.test(value) : true;
  };
}

function readEvent(record: StoredRecord, structuredIds: boolean): ReadResp.ReadEvent {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuid(record.id, structuredIds))
    .setStreamIdentifier(identifier(record.stream))
    .setStreamRevision(`${record.revision}`)
    .setCommitPosition(`${record.position}`)
    .setPreparePosition(`${record.position}`)
    .setData(record.data)
    .setCustomMetadata(record.customMetadata);
  recorded.getMetadataMap().set('type', record.type).set('content-type', record.contentType).set('created', record.created);
  return new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(`${record.position}`);
}

function uuid(id: string, structured: boolean): UUID {
  if (!structured) return new UUID().setString(id);
  const hex = id.replaceAll('-', '');
  const half = (from: number): string => `${BigInt.asIntN(64, BigInt(`0x${hex.slice(from, from + 16)}`))}`;
  return new UUID().setStructured(new UUID.Structured().setMostSignificantBits(half(0)).setLeastSignificantBits(half(16)));
}

function identifier(stream: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(stream, 'utf8'));
}

function nameOf(id: StreamIdentifier | undefined): string | undefined {
  return id ? Buffer.from(id.getStreamName_asU8()).toString('utf8') : undefined;
}

function failure(code: status, details: string, metadata = new Metadata()): Partial<ServiceError> & Error {
  return Object.assign(new Error(details), { code, details, metadata });
}

/** The v1 protocol's way: the error's kind in the `exception` trailer. */
function streamDeleted(stream: string): Partial<ServiceError> & Error {
  const metadata = new Metadata();
  metadata.set('exception', 'stream-deleted');
  metadata.set('stream-name', stream);
  return failure(status.FAILED_PRECONDITION, `Event stream '${stream}' is deleted.`, metadata);
}

function wrongExpectedVersion(stream: string, expected: bigint, actual: bigint): Partial<ServiceError> & Error {
  const metadata = new Metadata();
  metadata.set('exception', 'wrong-expected-version');
  metadata.set('stream-name', stream);
  metadata.set('expected-version', `${expected}`);
  if (actual !== NO_STREAM) metadata.set('actual-version', `${actual}`);
  return failure(status.FAILED_PRECONDITION, `Wrong expected version for stream ${stream}`, metadata);
}

/** The v2 protocol's way: a `google.rpc.Status` whose details name the error, in the `grpc-status-details-bin` trailer. */
function withDetails(code: status, message: string, detailsType: string, details: Uint8Array): Partial<ServiceError> & Error {
  const any = new Any();
  any.setTypeUrl(`type.googleapis.com/kurrentdb.protocol.v2.streams.errors.${detailsType}`);
  any.setValue(details);
  const statusMessage = new Status().setCode(code as number).setMessage(message).setDetails(any);
  const metadata = new Metadata();
  metadata.set('grpc-status-details-bin', Buffer.from(statusMessage.serializeBinary()));
  return failure(code, message, metadata);
}
