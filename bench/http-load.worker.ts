// The HTTP clients, in a worker thread of their own: they get the second core, and the server's event loop
// serves requests instead of making them. Connections are kept alive: one per client.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';

/**
 * `http`: node:http with a keep-alive agent. `fetch`: Node's fetch (undici), which on Node 20 costs the client
 * two to three times the CPU per request, so that on 2 cores the client, not the server, sets the pace.
 */
export type HttpClientKind = 'http' | 'fetch';

export interface HttpLoad {
  client: HttpClientKind;
  /** The URLs each client posts to, in turn (one list per client). */
  targets: string[][];
  headers: Record<string, string>;
  body: string;
  /** Requests made before measuring, to open the connections and warm both sides. */
  warmup: number;
  total: number;
}

export interface HttpLoadResult {
  latenciesMs: Float64Array;
  elapsedMs: number;
  failures: number;
  firstFailure?: string;
}

type Post = (url: URL) => Promise<string | undefined>;

const agent = new http.Agent({ keepAlive: true });

function poster(load: HttpLoad): Post {
  const failure = (status: number, url: URL, text: string): string => `${status} ${url.pathname}: ${text.slice(0, 300)}`;
  if (load.client === 'fetch') {
    return async (url) => {
      const response = await fetch(url, { method: 'POST', headers: load.headers, body: load.body });
      const text = await response.text();
      return response.ok ? undefined : failure(response.status, url, text);
    };
  }
  const headers = { ...load.headers, 'content-length': String(Buffer.byteLength(load.body)) };
  return (url) =>
    new Promise((resolve, reject) => {
      const request = http.request(url, { method: 'POST', agent, headers }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          resolve(status >= 200 && status < 300 ? undefined : failure(status, url, Buffer.concat(chunks).toString()));
        });
        response.on('error', reject);
      });
      request.on('error', reject);
      request.end(load.body);
    });
}

async function run(
  load: HttpLoad,
  total: number,
  latenciesMs: Float64Array | undefined,
): Promise<{ failures: number; firstFailure?: string }> {
  const post = poster(load);
  let started = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const client = async (targets: URL[]): Promise<void> => {
    for (let nth = 0; started < total; nth++) {
      const slot = started++;
      const begin = performance.now();
      const failure = await post(targets[nth % targets.length]).catch((error: unknown) => String(error));
      if (latenciesMs) latenciesMs[slot] = performance.now() - begin;
      if (failure) {
        failures++;
        firstFailure ??= failure;
      }
    }
  };
  await Promise.all(load.targets.map((urls) => client(urls.map((url) => new URL(url)))));
  return { failures, firstFailure };
}

async function measure(load: HttpLoad): Promise<HttpLoadResult> {
  const warm = await run(load, load.warmup, undefined);
  if (warm.failures > 0) return { latenciesMs: new Float64Array(0), elapsedMs: 0, ...warm };
  const latenciesMs = new Float64Array(load.total);
  const begin = performance.now();
  const measured = await run(load, load.total, latenciesMs);
  return { latenciesMs, elapsedMs: performance.now() - begin, ...measured };
}

if (parentPort) {
  const port = parentPort;
  // One load at a time: the parent waits for each answer before sending the next.
  port.on('message', (load: HttpLoad) => {
    measure(load).then(
      (result) => port.postMessage(result),
      (error: unknown) => port.postMessage({ latenciesMs: new Float64Array(0), elapsedMs: 0, failures: 1, firstFailure: String(error) }),
    );
  });
}
