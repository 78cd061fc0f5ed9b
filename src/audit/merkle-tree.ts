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
 * Every level of the tree over the given leaves (32 bytes each, one after the other), bottom up, each level one buffer
 * (a million leaves: 32 MB of leaves and as much again above them). A node without a right sibling is carried up
 * unchanged, which gives exactly RFC 6962's left-balanced tree for any number of leaves.
 */
export class MerkleTree {
  private readonly levels: Buffer[];

  constructor(leaves: Buffer) {
    if (leaves.length % HASH !== 0) throw new RangeError(`leaves take ${HASH} bytes each, not ${leaves.length} in all`);
    this.levels = [leaves];
    while (this.levels[this.levels.length - 1].length > HASH) {
      const below = this.levels[this.levels.length - 1];
      const count = below.length / HASH;
      const level = Buffer.allocUnsafe(Math.ceil(count / 2) * HASH);
      for (let i = 0; i < count; i += 2) {
        const node = i + 1 < count ? nodeHash(nodeAt(below, i), nodeAt(below, i + 1)) : nodeAt(below, i);
        node.copy(level, (i / 2) * HASH);
      }
      this.levels.push(level);
    }
  }

  get size(): number {
    return this.levels[0].length / HASH;
  }

  /** Hex. */
  get root(): string {
    return this.size === 0 ? EMPTY_ROOT : nodeAt(this.levels[this.levels.length - 1], 0).toString('hex');
  }

  /** The audit path of leaf `index` (0-based), bottom up, hex: RFC 6962's PATH(m, D[n]). */
  inclusionProof(index: number): string[] {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`leaf ${index} is not in a tree of ${this.size}`);
    const path: string[] = [];
    let i = index;
    for (const level of this.levels.slice(0, -1)) {
      const sibling = i ^ 1;
      if (sibling < level.length / HASH) path.push(nodeAt(level, sibling).toString('hex'));
      i >>= 1;
    }
    return path;
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
