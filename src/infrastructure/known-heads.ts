/** A stream's last event: what the next append to the stream continues. */
export interface StreamHead {
  revision: number;
  hash: string;
  position: number;
}

/**
 * Heads of streams a store knows without reading them, for as long as it knows nobody else has written: the
 * least recently used are forgotten beyond the bound.
 */
export class KnownHeads {
  private readonly heads = new Map<string, StreamHead>();

  constructor(private readonly bound = 100_000) {}

  get(streamId: string): StreamHead | undefined {
    return this.heads.get(streamId);
  }

  set(streamId: string, head: StreamHead): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > this.bound) this.heads.delete(this.heads.keys().next().value as string);
  }

  clear(): void {
    this.heads.clear();
  }
}
