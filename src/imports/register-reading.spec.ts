import { once } from 'node:events';
import { IMPORT_COLUMNS } from './import-columns';
import { ReadingThreads, RegisterReading, ROWS_PER_BATCH } from './register-reading';
import { DEFAULT_LIMITS, ImportFileRejected } from './spreadsheet';

/** A CSV register of `rows` rows, each with its own document numbers (the other columns left out: each row has problems). */
const register = (rows: number): Buffer => {
  const line = (i: number) => IMPORT_COLUMNS.map(({ key }) => ({ kind: 'KSB', ksbNumber1: `120/${i}/Pem`, ksbNumber2: `100/${i}/KSB` })[key as string] ?? '').join(';');
  return Buffer.from([IMPORT_COLUMNS.map((c) => c.header).join(';'), ...Array.from({ length: rows }, (_, i) => line(i))].join('\n'));
};

/** The spreadsheet rows read (the header is row 1), up to `upTo` of them. */
const rowsOf = async (reading: RegisterReading, upTo = Number.MAX_SAFE_INTEGER): Promise<number[]> => {
  await reading.checked();
  const rows: number[] = [];
  for await (const { parsed, problems } of reading.rows()) {
    rows.push(parsed?.row ?? problems[0].row);
    if (rows.length >= upTo) break;
  }
  return rows;
};
const numbered = (count: number) => Array.from({ length: count }, (_, i) => i + 2);

describe('the reading of a register on its thread', () => {
  const threads = new ReadingThreads();
  afterAll(() => threads.close());

  it('gives every row in the order of the file, and the next reading the same thread, already started', async () => {
    const first = new RegisterReading({ content: register(200), fileName: 'a.csv', limits: DEFAULT_LIMITS }, threads);
    expect(await rowsOf(first)).toEqual(numbered(200));
    await first.close();
    const kept = threads.take();
    threads.giveBack(kept);
    const second = new RegisterReading({ content: register(3), fileName: 'b.csv', limits: DEFAULT_LIMITS }, threads);
    const another = threads.take();
    expect(another).not.toBe(kept);
    await another.terminate();
    expect(await rowsOf(second)).toEqual(numbered(3));
    await second.close();
    expect(threads.take()).toBe(kept);
    threads.giveBack(kept);
  });

  it('stops a reading closed halfway, and the thread reads the next one whole', async () => {
    const halfway = new RegisterReading({ content: register(20 * ROWS_PER_BATCH), fileName: 'a.csv', limits: DEFAULT_LIMITS }, threads);
    expect(await rowsOf(halfway, ROWS_PER_BATCH + 1)).toEqual(numbered(ROWS_PER_BATCH + 1));
    await halfway.close();
    const next = new RegisterReading({ content: register(5 * ROWS_PER_BATCH), fileName: 'b.csv', limits: DEFAULT_LIMITS }, threads);
    expect(await rowsOf(next)).toEqual(numbered(5 * ROWS_PER_BATCH));
    await next.close();
  });

  it('skips a reading closed before the thread came to it, and reads the next one', async () => {
    const busy = new RegisterReading({ content: register(20 * ROWS_PER_BATCH), fileName: 'a.csv', limits: DEFAULT_LIMITS }, threads);
    expect(await rowsOf(busy, 1)).toEqual(numbered(1));
    await busy.close();
    // Given to the thread while it still winds down the reading before, and closed before the thread came to it.
    const abandoned = new RegisterReading({ content: register(20 * ROWS_PER_BATCH), fileName: 'b.csv', limits: DEFAULT_LIMITS }, threads);
    await abandoned.close();
    const next = new RegisterReading({ content: register(3), fileName: 'c.csv', limits: DEFAULT_LIMITS }, threads);
    expect(await rowsOf(next)).toEqual(numbered(3));
    await next.close();
  });

  it('refuses a file that is no spreadsheet before a thread is asked, and a thread that ended is not kept', async () => {
    expect(() => new RegisterReading({ content: Buffer.from([0x25, 0x50, 0x00]), fileName: 'x.pdf', limits: DEFAULT_LIMITS }, threads)).toThrow(ImportFileRejected);
    const worker = threads.take();
    await worker.terminate();
    threads.giveBack(worker);
    const fresh = threads.take();
    expect(fresh).not.toBe(worker);
    threads.giveBack(fresh);
  });

  it('ends the kept thread when the threads are closed', async () => {
    const own = new ReadingThreads();
    const worker = own.take();
    await once(worker, 'online');
    own.giveBack(worker);
    const ended = once(worker, 'exit');
    await own.close();
    await ended;
  });
});
