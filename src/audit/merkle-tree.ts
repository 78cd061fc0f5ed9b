import { createHash } from 'node:crypto';

/**
 * The Merkle tree of the log as Certificate Transparency builds it (RFC 6962 / RFC 9162, section 2.1): one leaf per
 * event in global order (leaf i = position i + 1), holding the event's hash. A signed checkpoint commits to the root of
 * the first `treeSize` events; an inclusion proof of about log2(treeSize) hashes shows that one event is among them,
 * so an auditor checks one agreement's export against a checkpoint without reading the whole log.
 */

const sha256 = (...parts: Buffer[]): Buffer => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
};
const LEAF = Buffer.from([0]);
const NODE = Buffer.from([1]);

/** The leaf of an event: its hash (hex), prefixed so that a leaf can never pass for an inner node. */
export const leafHash = (eventHashHex: string): Buffer => sha256(LEAF, Buffer.from(eventHashHex, 'hex'));
const nodeHash = (left: Buffer, right: Buffer): Buffer => sha256(NODE, left, right);

/** The root of an empty tree: the hash of nothing. */
export const EMPTY_ROOT = sha256().toString('hex');

const HASH = 32;

/**
 * Nodes below this height are not kept: one is hashed again from its leaves when a proof needs it (at most 15
 * hashes). What is kept above the leaves is an eighth of the whole: 4 MB for a million events, not 32.
 */
const KEPT_FROM_HEIGHT = 4;

/**
 * The tree over the given leaves (32 bytes each, one after the other, held as given), with every level from
 * `KEPT_FROM_HEIGHT` up in one buffer each. A node without a right sibling is carried up unchanged, which gives
 * exactly RFC 6962's left-balanced tree for any number of leaves.
 */
export class MerkleTree {
  readonly size: number;
  /** The levels from `KEPT_FROM_HEIGHT` up to the root. */
  private readonly kept: Buffer[] = [];
  private readonly height: number;

  constructor(private readonly leaves: Buffer) {
    if (leaves.length % HASH !== 0) throw new RangeError(`leaves take ${HASH} bytes each, not ${leaves.length} in all`);
    this.size = leaves.length / HASH;
    let height = 0;
    while (this.countAt(height) > 1) height++;
    this.height = height;
    for (let level = KEPT_FROM_HEIGHT; level <= height; level++) {
      const count = this.countAt(level);
      const nodes = Buffer.allocUnsafe(count * HASH);
      for (let i = 0; i < count; i++) this.node(level, i).copy(nodes, i * HASH);
      this.kept.push(nodes);
    }
  }

  /** Hex. */
  get root(): string {
    return this.size === 0 ? EMPTY_ROOT : this.node(this.height, 0).toString('hex');
  }

  /** The audit path of leaf `index` (0-based), bottom up, hex: RFC 6962's PATH(m, D[n]). */
  inclusionProof(index: number): string[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`leaf ${index} is not in a tree of ${this.size}`);
    const path: string[] = [];
    for (let level = 0; level < this.height; level++) {
      const sibling = Math.floor(index / 2 ** level) ^ 1;
      if (sibling < this.countAt(level)) path.push(this.node(level, sibling).toString('hex'));
    }
    return path;
  }

  private countAt(level: number): number {
    return Math.ceil(this.size / 2 ** level);
  }

  private node(level: number, index: number): Buffer {
    if (level === 0) return nodeAt(this.leaves, index);
    // While the tree is built, the level being filled is not kept yet: its nodes are hashed from below.
    const kept = level >= KEPT_FROM_HEIGHT ? this.kept[level - KEPT_FROM_HEIGHT] : undefined;
    if (kept) return nodeAt(kept, index);
    const left = this.node(level - 1, 2 * index);
    return 2 * index + 1 < this.countAt(level - 1) ? nodeHash(left, this.node(level - 1, 2 * index + 1)) : left;
  }
}

const nodeAt = (level: Buffer, index: number): Buffer => level.subarray(index * HASH, index * HASH + HASH);

/**
 * Whether `path` leads from the event's leaf at `index` to `root` in a tree of `treeSize` leaves (RFC 9162,
 * section 2.1.3.2). What an auditor runs, with nothing but the export and a signed checkpoint.
 */
export function verifyInclusion(eventHashHex: string, index: number, treeSize: number, path: readonly string[], root: string): boolean {
  if (!Number.isInteger(index) || index < 0 || index >= treeSize) return false;
  let fn = index;
  let sn = treeSize - 1;
  let hash = leafHash(eventHashHex);
  for (const sibling of path.map((p) => Buffer.from(p, 'hex'))) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      hash = nodeHash(sibling, hash);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      hash = nodeHash(hash, sibling);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && hash.toString('hex') === root;
}
