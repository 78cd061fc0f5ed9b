/** What a span may say: never a token, a header or a body (see the README's Traces). */
export type SpanAttributes = Record<string, string | number | boolean>;

/** Where a span was started (opaque): given later as the parent of, or a link from, a span started elsewhere. */
export type TraceContext = { readonly traceContext: unique symbol } | undefined;

export interface TraceSpan {
  setAttributes(attributes: SpanAttributes): void;
  updateName(name: string): void;
  /** An error status, with the error's type only (`errorTypeOf`): a message may quote what it was given. */
  fail(errorType: string): void;
  end(): void;
}

export interface SpanOptions {
  /** The parent, when it is not the span the caller runs in (a group commit runs for the first append of its group). */
  parent?: TraceContext;
  /** A trace of its own, whatever span the caller runs in. */
  root?: boolean;
  /** Other spans this one works for (the other appends of a group commit). */
  links?: readonly TraceContext[];
  /** An error that is an expected answer rather than a failure (a command a rule refused); by default every error fails. */
  expected?: (error: unknown) => boolean;
}

/** The traces port: OpenTelemetry when an OTLP endpoint is configured, otherwise nothing at all. */
export interface Tracing {
  readonly enabled: boolean;
  current(): TraceContext;
  /** Runs `work` in a new span, a child of the current one (or of `options.parent`), ended when `work` settles. */
  inSpan<T>(name: string, attributes: SpanAttributes, work: (span: TraceSpan) => Promise<T>, options?: SpanOptions): Promise<T>;
  /** A request's span (kind server), ended by the caller once the answer is sent, and `run`, which runs code in it. */
  startRequest(name: string, attributes: SpanAttributes): { span: TraceSpan; run<T>(work: () => T): T };
  /** Sends the spans ended so far. */
  flush(): Promise<void>;
}

export const errorTypeOf = (error: unknown): string => (error instanceof Error ? error.constructor.name : typeof error);
