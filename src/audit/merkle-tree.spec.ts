import { createHash } from 'node:crypto';
import { leafHash, MerkleTree, verifyInclusion } from './merkle-tree';

const eventHash = (i: number) => createHash('sha256').update(`event ${i}`).digest('hex');
const node = (left: Buffer, right: Buffer) => createHash('sha256').update(Buffer.from([1])).update(left).update(right).digest();

/** RFC 6962's MTH, written as the RFC defines it: split at the largest power of two below n. */
function referenceRoot(hashes: string[]): Buffer {
  if (hashes.length === 1) return leafHash(hashes[0]);
  let k = 1;
  while (k * 2 < hashes.length) k *= 2;
  return node(referenceRoot(hashes.slice(0, k)), referenceRoot(hashes.slice(k)));
}

describe('the Merkle tree of the log', () => {
  it.each([1, 2, 3, 5, 7, 8, 13, 16, 17, 64, 100, 1000, 1025])('has the root RFC 6962 defines for %i events', (n) => {
    const hashes = Array.from({ length: n }, (_, i) => eventHash(i));
    expect(new MerkleTree(Buffer.concat(hashes.map(leafHash))).root).toBe(referenceRoot(hashes).toString('hex'));
  });

  it.each([1, 2, 3, 7, 8, 13, 16, 17, 100, 1025])('proves every event of a log of %i events included', (n) => {
    const hashes = Array.from({ length: n }, (_, i) => eventHash(i));
    const tree = new MerkleTree(Buffer.concat(hashes.map(leafHash)));
    for (let i = 0; i < n; i++) expect(verifyInclusion(hashes[i], i, n, tree.inclusionProof(i), tree.root)).toBe(true);
  });

  it('refuses a proof for an event that was changed, moved, or is not in the tree', () => {
    const hashes = Array.from({ length: 13 }, (_, i) => eventHash(i));
    const tree = new MerkleTree(Buffer.concat(hashes.map(leafHash)));
    const proof = tree.inclusionProof(6);
    expect(verifyInclusion(eventHash(99), 6, 13, proof, tree.root)).toBe(false);
    expect(verifyInclusion(hashes[6], 7, 13, proof, tree.root)).toBe(false);
    expect(verifyInclusion(hashes[6], 6, 8, proof, tree.root)).toBe(false);
    expect(verifyInclusion(hashes[6], 6, 13, proof.slice(1), tree.root)).toBe(false);
  });
});
