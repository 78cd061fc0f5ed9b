// This process's tracing: the port (tracing.port.ts) with no spans at all, or OpenTelemetry when traces are asked for.
import type { TraceSpan, Tracing } from './tracing.port';

const NO_SPAN: TraceSpan = { setAttributes() {}, updateName() {}, fail() {}, end() {} };

const NO_TRACING: Tracing = {
  enabled: false,
  current: () => undefined,
  inSpan: (_name, _attributes, work) => work(NO_SPAN),
  startRequest: () => ({ span: NO_SPAN, run: (work) => work() }),
  flush: async () => undefined,
};

/** Whether the environment asks for traces: an OTLP endpoint (the standard variables), unless the SDK is disabled. */
export function tracesRequested(env: NodeJS.ProcessEnv): boolean {
  return !!(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && env.OTEL_SDK_DISABLED !== 'true';
}

let chosen: Tracing | undefined;
let openTelemetry: Tracing | undefined;

/**
 * This process's (or worker thread's) tracing, chosen from the environment when first asked for. Without an
 * endpoint no OpenTelemetry module is even loaded: the no-op spans cost a function call.
 */
export function tracing(): Tracing {
  return (chosen ??= chooseTracing(process.env));
}

/** Chooses this process's tracing from `env` now (the write benchmark measures one server with traces and without). */
export function chooseTracing(env: NodeJS.ProcessEnv): Tracing {
  if (tracesRequested(env)) {
    // Loaded here only: nothing of OpenTelemetry is required while traces are off.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { OpenTelemetryTracing } = require('./open-telemetry-tracing') as typeof import('./open-telemetry-tracing');
    openTelemetry ??= new OpenTelemetryTracing(env);
    chosen = openTelemetry;
  } else {
    chosen = NO_TRACING;
  }
  return chosen;
}
