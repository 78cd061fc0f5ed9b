import { type Context, type Link, type Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { type SpanAttributes, type SpanOptions, type TraceContext, type TraceSpan, type Tracing, errorTypeOf } from './tracing.port';

const spanOf = (span: Span): TraceSpan => ({
  setAttributes: (attributes) => span.setAttributes(attributes),
  updateName: (name) => span.updateName(name),
  fail: (errorType) => {
    span.setAttribute('error.type', errorType);
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
  },
  end: () => span.end(),
});

const asContext = (traceContext: TraceContext): Context => traceContext as unknown as Context;

/**
 * Spans exported in batches over OTLP/HTTP (JSON) to `OTEL_EXPORTER_OTLP_ENDPOINT` (or `..._TRACES_ENDPOINT`), with
 * the exporter's other standard variables (headers, timeout) and `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES`.
 * Its context follows the code through promises (AsyncLocalStorage), so a command's spans are its request's children.
 */
export class OpenTelemetryTracing implements Tracing {
  readonly enabled = true;
  private readonly provider: NodeTracerProvider;
  private readonly tracer;

  constructor(env: NodeJS.ProcessEnv) {
    const named = resourceFromAttributes({ 'service.name': 'sinergi', 'service.version': env.npm_package_version ?? '0.1.0' });
    this.provider = new NodeTracerProvider({
      resource: defaultResource().merge(named).merge(detectResources({ detectors: [envDetector] })),
      spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
    });
    this.provider.register();
    this.tracer = this.provider.getTracer('sinergi');
  }

  current(): TraceContext {
    return context.active() as unknown as TraceContext;
  }

  inSpan<T>(name: string, attributes: SpanAttributes, work: (span: TraceSpan) => Promise<T>, options: SpanOptions = {}): Promise<T> {
    const parent = options.parent ? asContext(options.parent) : context.active();
    const links = (options.links ?? [])
      .map((link) => trace.getSpanContext(asContext(link)))
      .filter((spanContext) => spanContext !== undefined)
      .map((spanContext): Link => ({ context: spanContext }));
    return this.tracer.startActiveSpan(name, { attributes, links, root: options.root }, parent, async (span) => {
      const traced = spanOf(span);
      try {
        return await work(traced);
      } catch (error) {
        if (!options.expected?.(error)) traced.fail(errorTypeOf(error));
        throw error;
      } finally {
        span.end();
      }
    });
  }

  startRequest(name: string, attributes: SpanAttributes): { span: TraceSpan; run<T>(work: () => T): T } {
    const span = this.tracer.startSpan(name, { attributes, kind: SpanKind.SERVER });
    const within = trace.setSpan(context.active(), span);
    return { span: spanOf(span), run: (work) => context.with(within, work) };
  }

  flush(): Promise<void> {
    return this.provider.forceFlush();
  }
}
