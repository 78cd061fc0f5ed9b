import { setTimeout as delay } from 'node:timers/promises';
import type { AnyProjection } from '../../../projections/projection';
import type { EventStore } from '../../core/event-store.port';
import { LiveProjections, type LiveProjectionsOptions } from './live-projections';
import { generationOf, type GenerationRegistry, RebuildInProgress, THIS_PROCESS } from '../storage/generation-registry';
import { rebuild, type RebuildOptions } from './rebuild';

let projectors = 0;

export interface ProjectorOptions {
  live?: LiveProjectionsOptions;
  build?: Omit<RebuildOptions, 'signal'>;
  /** Wait before trying a build again after it failed or found another process building. */
  buildRetryMs?: number;
  onBuildError?: (error: unknown) => void;
}

export interface ProjectionStatus {
  name: string;
  version: string;
  /** The generation queries read; absent before the first build has switched live. */
  live?: { generation: number; version: string; position: number; lag: number; upToDate: boolean };
  building?: { generation: number; version: string; position: number; owner: string | null };
  head: number;
}

/**
 * Keeps every projection live in this process: builds (blue/green) each one that has no live generation of its
 * current version, and keeps the live generations up to date. Runs inside the server, or alone as
 * `sinergi projector`.
 */
export class Projector {
  readonly live: LiveProjections;
  /** Whose lease the generations it builds are: its own, even beside another projector of this process (a test's second node). */
  private readonly owner: string;
  private readonly abort = new AbortController();
  private building: Promise<void> | undefined;
  private buildFailure: { at: Date; message: string } | undefined;

  constructor(
    private readonly events: EventStore,
    private readonly store: GenerationRegistry,
    private readonly projections: readonly AnyProjection[],
    private readonly options: ProjectorOptions = {},
  ) {
    this.live = new LiveProjections(store, events, projections, options.live);
    this.owner = options.build?.owner ?? `${THIS_PROCESS}:${++projectors}`;
  }

  get lastError(): { at: Date; message: string } | undefined {
    return this.live.lastError ?? this.buildFailure;
  }

  start(): void {
    this.live.start();
    this.building ??= this.buildWhatIsMissing();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.all([this.live.stop(), this.building]);
  }

  /** Each projection's generations and how far behind the store they are. */
  async status(): Promise<ProjectionStatus[]> {
    return projectionStatus(this.store, this.events, this.projections);
  }

  /** Resolves once every projection's live generation, of its current version, has reached `position`. */
  caughtUp(position: number, timeoutMs = 10_000): Promise<void> {
    return projectionsCaughtUp(this.store, this.projections, position, timeoutMs);
  }

  private async buildWhatIsMissing(): Promise<void> {
    const signal = this.abort.signal;
    const owner = this.owner;
    while (!signal.aborted) {
      try {
        const generations = await this.store.generations();
        const missing = this.projections.filter((p) => generationOf(generations, p.name, 'live')?.version !== p.version);
        if (missing.length === 0) return;
        // What another process is building, it will switch live itself: the live runner follows it from then on.
        const ours: AnyProjection[] = [];
        for (const p of missing) if (!(await this.store.isBuildingElsewhere(p.name, owner))) ours.push(p);
        if (ours.length > 0) await rebuild(this.events, this.store, ours, { ...this.options.build, owner, signal });
        else await delay(this.options.buildRetryMs ?? 5_000, undefined, { signal });
        this.buildFailure = undefined;
      } catch (error) {
        if (signal.aborted) return;
        if (!(error instanceof RebuildInProgress)) {
          this.buildFailure = { at: new Date(), message: error instanceof Error ? error.message : String(error) };
          this.options.onBuildError?.(error);
        }
        // Another process is building it (it will switch it live), or the build failed: look again later.
        await delay(this.options.buildRetryMs ?? 5_000, undefined, { signal }).catch(() => undefined);
      }
    }
  }
}

/** Resolves once every projection's live generation, of its current version, has reached `position`. */
export async function projectionsCaughtUp(
  store: GenerationRegistry,
  projections: readonly AnyProjection[],
  position: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const generations = await store.generations();
    const behind = projections.filter((p) => {
      const live = generationOf(generations, p.name, 'live');
      return !live || live.version !== p.version || live.checkpoint < position;
    });
    if (behind.length === 0) return;
    if (Date.now() > deadline) {
      throw new Error(`projections ${behind.map((p) => p.name).join(', ')} did not reach position ${position} in ${timeoutMs} ms`);
    }
    await delay(10);
  }
}

export async function projectionStatus(
  store: GenerationRegistry,
  events: EventStore,
  projections: readonly AnyProjection[],
): Promise<ProjectionStatus[]> {
  const head = await events.headPosition();
  const generations = await store.generations();
  return projections.map((projection) => {
    const live = generationOf(generations, projection.name, 'live');
    const building = generationOf(generations, projection.name, 'building');
    return {
      name: projection.name,
      version: projection.version,
      ...(live
        ? {
            live: {
              generation: live.generation,
              version: live.version,
              position: live.checkpoint,
              lag: Math.max(head - live.checkpoint, 0),
              upToDate: live.version === projection.version,
            },
          }
        : {}),
      ...(building
        ? { building: { generation: building.generation, version: building.version, position: building.checkpoint, owner: building.owner } }
        : {}),
      head,
    };
  });
}
