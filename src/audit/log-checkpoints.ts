import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from '../core/clock.port';
import type { Actor, RecordedEvent } from '../core/event';
import { newEventId } from '../core/event-id';
import { type EventStore, type StoredHash, WrongExpectedRevision } from '../core/event-store.port';
import { GENESIS_HASH } from '../core/hash-chain';
import { nextSeal, type VerificationResult, verifyLog } from './log-verifier';
import { leafHash, MerkleTree } from './merkle-tree';

/** The stream of signed checkpoints: in the log itself, so every node (and every copy of the log) has them. */
export const CHECKPOINT_STREAM = 'log-checkpoints';
export const CHECKPOINT_SIGNED = 'LogCheckpointSigned';
const CHECKPOINT_ENGINE: Actor = { userId: 'sinergi-checkpoints', role: 'system', region: 'system' };

/**
 * What a checkpoint says: the log's first `position` events have this seal (the chained digest `audit verify` gives)
 * and this Merkle root (for inclusion proofs), as of `signedAt`, signed with the deployment's Ed25519 key.
 */
export interface SignedCheckpoint {
  position: number;
  seal: string;
  root: string;
  signedAt: string;
  /** SHA-256 (hex) of the public key (DER): which key signed. */
  keyId: string;
  /** Ed25519 over `checkpointMessage`, base64. */
  signature: string;
}

/** The exact bytes signed: a line per field, so any tool can rebuild them. */
export const checkpointMessage = ({ position, seal, root, signedAt }: Pick<SignedCheckpoint, 'position' | 'seal' | 'root' | 'signedAt'>): Buffer =>
  Buffer.from(`sinergi-checkpoint/1\n${position}\n${seal}\n${root}\n${signedAt}\n`);

export const keyIdOf = (publicKey: KeyObject): string => createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');

/** Whether the checkpoint was signed by this public key (PEM) and not changed since. */
export function checkpointSignatureValid(checkpoint: SignedCheckpoint, publicKeyPem: string): boolean {
  try {
    const publicKey = createPublicKey(publicKeyPem);
    return keyIdOf(publicKey) === checkpoint.keyId && verify(null, checkpointMessage(checkpoint), publicKey, Buffer.from(checkpoint.signature, 'base64'));
  } catch {
    return false;
  }
}

/** Where the signing key is: never in the event store, so whoever can write the database cannot sign. */
export interface CheckpointKeySettings {
  /** A PKCS#8 PEM private key given directly (`SINERGI_CHECKPOINT_KEY`), e.g. from a secret store. */
  pem?: string;
  /** Otherwise this file, generated on first use (`SINERGI_CHECKPOINT_KEY_FILE`). */
  file: string;
}

export function checkpointKeySettingsFromEnv(env: NodeJS.ProcessEnv, dataDir: string): CheckpointKeySettings {
  return { pem: env.SINERGI_CHECKPOINT_KEY || undefined, file: env.SINERGI_CHECKPOINT_KEY_FILE ?? join(dataDir, 'checkpoint-key.pem') };
}

/** How often the server signs a checkpoint while the log grows (`SINERGI_CHECKPOINT_SECONDS`, 300 by default; 0: never). */
export function checkpointSecondsFromEnv(env: NodeJS.ProcessEnv): number {
  const seconds = Number(env.SINERGI_CHECKPOINT_SECONDS ?? 300);
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`SINERGI_CHECKPOINT_SECONDS must be a whole number of seconds, got "${env.SINERGI_CHECKPOINT_SECONDS}"`);
  return seconds;
}

/** The deployment's Ed25519 key for checkpoints. */
export class CheckpointKey {
  readonly publicKeyPem: string;
  readonly keyId: string;

  private constructor(private readonly privateKey: KeyObject) {
    const publicKey = createPublicKey(privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = keyIdOf(publicKey);
  }

  static load(settings: CheckpointKeySettings): CheckpointKey {
    if (settings.pem) return CheckpointKey.of(settings.pem, 'SINERGI_CHECKPOINT_KEY');
    if (!existsSync(settings.file)) {
      const { privateKey } = generateKeyPairSync('ed25519');
      mkdirSync(dirname(settings.file), { recursive: true });
      // wx: two processes starting at once do not overwrite each other's key; the loser reads the winner's.
      try {
        writeFileSync(settings.file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    return CheckpointKey.of(readFileSync(settings.file, 'utf8'), settings.file);
  }

  private static of(pem: string, source: string): CheckpointKey {
    const privateKey = createPrivateKey(pem);
    if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${source} must hold an Ed25519 private key (PKCS#8 PEM)`);
    return new CheckpointKey(privateKey);
  }

  sign(fields: Pick<SignedCheckpoint, 'position' | 'seal' | 'root' | 'signedAt'>): SignedCheckpoint {
    return { ...fields, keyId: this.keyId, signature: sign(null, checkpointMessage(fields), this.privateKey).toString('base64') };
  }
}

const BATCH = 5000;

/**
 * The seal and the Merkle leaves of the log up to a position, extended as the log grows: each event is read once
 * per process. Leaves are kept 32 bytes each in one buffer (a million events: 32 MB).
 */
class LogDigest {
  position = 0;
  seal = GENESIS_HASH;
  private leaves = Buffer.alloc(0);

  async extendTo(store: EventStore, upTo: number): Promise<void> {
    this.reserve(upTo);
    while (this.position < upTo) {
      const batch = await store.readHashes(this.position, Math.min(BATCH, upTo - this.position));
      if (batch.length === 0) throw new Error(`the log has no event after position ${this.position}, below ${upTo}`);
      for (const stored of batch) this.add(stored);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The tree over the first `size` events (already read). */
  tree(size: number): MerkleTree {
    return new MerkleTree(this.leaves.subarray(0, size * 32));
  }

  /** Room for the leaves of `events` events: what the log holds now exactly, a quarter more when it grows later. */
  private reserve(events: number): void {
    if (this.leaves.length >= events * 32) return;
    const grown = Buffer.alloc(Math.max(events, Math.ceil((this.leaves.length / 32) * 1.25)) * 32);
    this.leaves.copy(grown);
    this.leaves = grown;
  }

  private add(event: StoredHash): void {
    if (event.position !== this.position + 1) throw new Error(`the log skips from position ${this.position} to ${event.position}`);
    leafHash(event.hash).copy(this.leaves, this.position * 32);
    this.seal = nextSeal(this.seal, event.hash);
    this.position = event.position;
  }
}

/** An event of the export and the path from it to the root of a signed checkpoint. */
export interface InclusionProof {
  position: number;
  eventHash: string;
  /** Leaf index `position - 1`, tree size `checkpoint.position`, RFC 9162 audit path, bottom up. */
  path: string[];
}

/** What an auditor needs to check an export without the log: the checkpoint, its key, and a proof per event. */
export interface ExportInclusion {
  checkpoint: SignedCheckpoint;
  publicKey: string;
  proofs: InclusionProof[];
  /** Events of the export recorded after the checkpoint: provable from the next one. */
  afterCheckpoint: number[];
}

/**
 * Signs checkpoints of the log into its own stream (periodically, and on demand), finds the latest one, and proves
 * events included in it.
 */
export class LogCheckpoints {
  private readonly digest = new LogDigest();
  private digesting: Promise<unknown> = Promise.resolve();
  /** The tree of the latest checkpoint, built once for every export proved against it. */
  private tree?: MerkleTree;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly store: EventStore,
    readonly key: CheckpointKey,
    private readonly clock: Clock,
  ) {}

  /**
   * Signs a checkpoint at the head, unless nothing but checkpoints was written since the last one. Another node
   * signing at the same moment wins; this one then signs nothing.
   */
  async signAtHead(): Promise<SignedCheckpoint | undefined> {
    const recorded = await this.store.readStream(CHECKPOINT_STREAM);
    const last = recorded.at(-1);
    const head = await this.store.headPosition();
    if (last && head <= last.position) return undefined;
    const checkpoint = await this.serialised(async () => {
      await this.digest.extendTo(this.store, head);
      return this.key.sign({ position: head, seal: this.digest.seal, root: this.digest.tree(head).root, signedAt: this.clock.now().toISOString() });
    });
    const correlationId = newEventId();
    try {
      await this.store.append(
        CHECKPOINT_STREAM,
        [{ id: correlationId, type: CHECKPOINT_SIGNED, schemaVersion: 1, data: checkpoint, metadata: { actor: CHECKPOINT_ENGINE, occurredAt: checkpoint.signedAt, correlationId, causationId: correlationId } }],
        last ? last.revision : 'no-stream',
      );
    } catch (error) {
      if (error instanceof WrongExpectedRevision) return undefined;
      throw error;
    }
    return checkpoint;
  }

  /** The last checkpoint recorded at or below a position (the head by default), whoever signed it. */
  async latest(atMost = Number.MAX_SAFE_INTEGER): Promise<SignedCheckpoint | undefined> {
    const recorded = await this.store.readStream(CHECKPOINT_STREAM);
    return recorded
      .map((event) => event.data as SignedCheckpoint)
      .filter((checkpoint) => checkpoint.position <= atMost)
      .at(-1);
  }

  /** Inclusion proofs of these events in the latest checkpoint; undefined while no checkpoint was signed. */
  async inclusionOf(events: readonly RecordedEvent[]): Promise<ExportInclusion | undefined> {
    const checkpoint = await this.latest();
    if (!checkpoint) return undefined;
    const tree = await this.serialised(async () => {
      if (this.tree?.size !== checkpoint.position) {
        await this.digest.extendTo(this.store, checkpoint.position);
        this.tree = this.digest.tree(checkpoint.position);
      }
      return this.tree;
    });
    const included = events.filter((event) => event.position <= checkpoint.position);
    return {
      checkpoint,
      publicKey: this.key.publicKeyPem,
      proofs: included.map((event) => ({ position: event.position, eventHash: event.hash, path: tree.inclusionProof(event.position - 1) })),
      afterCheckpoint: events.filter((event) => event.position > checkpoint.position).map((event) => event.position),
    };
  }

  /** Signs a checkpoint every `seconds` while the log grows (0: never; `sinergi audit checkpoint` signs by hand). */
  start(seconds: number, onError: (error: unknown) => void): void {
    if (seconds <= 0) return;
    this.timer = setInterval(() => void this.signAtHead().catch(onError), seconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** One pass over the digest at a time: two requests never read the same events twice. */
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.digesting.then(work, work);
    this.digesting = run.catch(() => undefined);
    return run;
  }
}

/** How the log stands against its latest signed checkpoint. */
export interface CheckpointCheck {
  checkpoint: SignedCheckpoint;
  /** Signed by this deployment's key, and unchanged since. */
  signatureValid: boolean;
  /** The log up to the checkpoint's position still has the seal that was signed: nothing up to there was rewritten. */
  sealMatches: boolean;
}

/**
 * Verifies the log (every hash chain, the global order) and checks it against the latest signed checkpoint at or
 * below the verified position: whoever rewrote streams and recomputed their hashes cannot recompute the signature.
 *
 * Unless `full` is asked for, a log with a validly signed checkpoint is verified from it: the stored hashes up to the
 * checkpoint are chained into its seal again (a rewrite, removal, insertion or move there changes it), and only the
 * events after it are hashed again, with their chains joined to the streams' events before it. The hashes already
 * chained into an earlier checkpoint's seal by this process are not read again while the store says nothing else
 * wrote to it since (SQLite's `data_version`; a store that cannot tell has them read every time): the time then
 * follows what is new, not the log's length. Anything amiss, and
 * the whole log is verified to name what broke. An event whose content alone was edited before the checkpoint, its
 * stored hash left as it was, shows in the whole log's check (`full`, `sinergi audit verify`) and in every export of
 * its agreement, not here.
 */
export async function verifyAgainstCheckpoint(
  store: EventStore,
  checkpoints: LogCheckpoints,
  options: { upTo?: number; full?: boolean; onProgress?: (checked: number, head: number) => void } = {},
): Promise<VerificationResult & { checkpointCheck?: CheckpointCheck }> {
  const head = await store.headPosition();
  const checkpoint = await checkpoints.latest(Math.min(options.upTo ?? head, head));
  if (!checkpoint) return verifyLog(store, options);
  const signatureValid = checkpointSignatureValid(checkpoint, checkpoints.key.publicKeyPem);
  if (!options.full && signatureValid && (options.upTo ?? head) <= head) {
    const since = await verifiedSince(store, checkpoint, options);
    if (since?.intact) return { ...since, checkpointCheck: { checkpoint, signatureValid, sealMatches: true } };
  }
  const verified = await verifyLog(store, { ...options, sealAt: checkpoint.position });
  const sealMatches = verified.sealAt?.seal === checkpoint.seal;
  return { ...verified, intact: verified.intact && signatureValid && sealMatches, checkpointCheck: { checkpoint, signatureValid, sealMatches } };
}

const HASH_BATCH = 50_000;

/**
 * Per store: its stored hashes up to `position` chain into `seal` (a signed checkpoint's), as read while
 * `writtenElsewhere` said `token`. While the token holds, nothing but the store's own appends wrote the log since,
 * so the next verification reads only the hashes after that position.
 */
const chainedPrefixes = new WeakMap<EventStore, { position: number; seal: string; token: number }>();

/** The log verified from a checkpoint whose seal the stored hashes still give; undefined when they do not. */
async function verifiedSince(
  store: EventStore,
  checkpoint: SignedCheckpoint,
  options: { upTo?: number; onProgress?: (checked: number, head: number) => void },
): Promise<VerificationResult | undefined> {
  const token = await store.writtenElsewhere();
  const known = chainedPrefixes.get(store);
  const start = token !== undefined && known?.token === token && known.position <= checkpoint.position ? known : { position: 0, seal: GENESIS_HASH };
  let { seal } = start;
  for (let position = start.position; position < checkpoint.position; ) {
    const batch = await store.readHashes(position, Math.min(HASH_BATCH, checkpoint.position - position));
    if (batch.length === 0) return undefined;
    for (const stored of batch) {
      if (stored.position !== ++position) return undefined;
      seal = nextSeal(seal, stored.hash);
    }
  }
  if (seal !== checkpoint.seal) return undefined;
  if (token !== undefined) chainedPrefixes.set(store, { position: checkpoint.position, seal, token });
  const [atCheckpoint] = checkpoint.position > 0 ? await store.readAll(checkpoint.position - 1, 1) : [];
  return verifyLog(store, {
    ...options,
    from: {
      position: checkpoint.position,
      seal,
      recordedAt: atCheckpoint?.metadata.recordedAt ?? '',
      // A stream's event before the checkpoint: its stored hash is in the seal just matched.
      async streamHeadBefore(event) {
        const [previous] = await store.readStream(event.streamId, { afterRevision: event.revision - 2, toRevision: event.revision - 1 });
        return previous && previous.position <= checkpoint.position ? { revision: previous.revision, hash: previous.hash, position: previous.position } : undefined;
      },
    },
  });
}
