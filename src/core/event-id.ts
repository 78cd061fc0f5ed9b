import { randomFillSync } from 'node:crypto';

const POOL_IDS = 256;
const pool = Buffer.alloc(16 * POOL_IDS);
let pooled = POOL_IDS;
let lastMs = -1;
let sequence = 0;

/**
 * A new event id: a UUID version 7 (RFC 9562), whose first 48 bits are the Unix time in milliseconds and the next 12
 * a counter within the millisecond, so ids made in one process increase. The stores index event ids: increasing ids
 * are appended at the end of that index instead of touching a page of their own at random on every commit.
 */
export function newEventId(now = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    sequence = 0;
  } else if (++sequence > 0xfff) {
    // More than 4,096 ids within one millisecond: borrow the next millisecond rather than repeat or go back.
    lastMs++;
    sequence = 0;
  }
  if (pooled === POOL_IDS) {
    randomFillSync(pool);
    pooled = 0;
  }
  const bytes = pool.subarray(16 * pooled, 16 * ++pooled);
  bytes.writeUIntBE(lastMs, 0, 6);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8] & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
