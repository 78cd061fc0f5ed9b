// HTTP clients that send and fetch whole files, in a worker thread of their own: a client's copying and socket work
// runs on the second core, as a browser's would on another machine, and the server's event loop only serves.
// The files live in shared memory: the worker reads the parent's bytes, it holds no copy of them.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';

export interface Transfer {
  method: 'PUT' | 'GET';
  url: string;
  headers: Record<string, string>;
  /** For a PUT: the index of the file sent as the body. */
  file?: number;
}

export interface TransferResult {
  status: number;
  /** Bytes of the answer's body, counted and dropped. */
  bytes: number;
  elapsedMs: number;
}

export type TransferMessage = { files: SharedArrayBuffer[] } | { transfers: Transfer[] };

export interface TransfersDone {
  results?: TransferResult[];
  /** From the first transfer's start to the last one's end. */
  elapsedMs?: number;
  error?: string;
}

let files: Buffer[] = [];

function send(transfer: Transfer): Promise<TransferResult> {
  return new Promise((resolve, reject) => {
    const body = transfer.file === undefined ? undefined : files[transfer.file];
    const headers = body ? { ...transfer.headers, 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) } : transfer.headers;
    const begin = performance.now();
    const request = http.request(transfer.url, { method: transfer.method, headers }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, bytes, elapsedMs: performance.now() - begin }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

if (parentPort) {
  const port = parentPort;
  // One message at a time: the parent waits for each answer before sending the next.
  port.on('message', (message: TransferMessage) => {
    if ('files' in message) {
      files = message.files.map((shared) => Buffer.from(shared));
      port.postMessage({} satisfies TransfersDone);
      return;
    }
    const begin = performance.now();
    Promise.all(message.transfers.map(send)).then(
      (results) => port.postMessage({ results, elapsedMs: performance.now() - begin } satisfies TransfersDone),
      (error: unknown) => port.postMessage({ error: String(error) } satisfies TransfersDone),
    );
  });
}
