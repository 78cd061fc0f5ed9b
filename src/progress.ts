/** Where a long command shows its progress: redrawn in place on a terminal, plain lines in a log or a pipe. */
export interface ProgressOutput {
  write(text: string): void;
  isTTY?: boolean;
}

export interface Progress {
  /** `done` units of `total` so far; `total` may change on the way (a store that grows while it is copied). */
  update(done: number, total?: number): void;
  /** A line of its own above the progress (a step's result), which then goes on below it. */
  log(line: string): void;
  /** Ends the display with one closing line: what was done and how long it took. */
  finish(summary?: string): void;
}

export interface ProgressOptions {
  total?: number;
  /** What is counted: `events`, `files`, `stories`. */
  unit?: string;
  /** Standard error by default, so that a command's results on standard output stay clean. */
  out?: ProgressOutput;
  /** Milliseconds; for tests. */
  now?: () => number;
  /** The words around the figures: English for the operator's tools, Indonesian for an office's (the import). */
  language?: ProgressLanguage;
}

export type ProgressLanguage = 'en' | 'id';

/** What a progress line says besides the label and the unit, in each language. */
const WORDS: Record<ProgressLanguage, { locale: string; took: string; left: (d: string) => string; estimating: string; done: string; units: [string, string, string] }> = {
  en: { locale: 'en-US', took: 'in', left: (d) => `about ${d} left`, estimating: 'estimating the time left', done: 'done', units: ['s', 'min', 'h'] },
  id: { locale: 'id-ID', took: 'dalam', left: (d) => `sekitar ${d} lagi`, estimating: 'memperkirakan sisa waktu', done: 'selesai', units: ['detik', 'menit', 'jam'] },
};

export const stderrProgressOutput: ProgressOutput = {
  write: (text) => process.stderr.write(text),
  get isTTY() {
    return process.stderr.isTTY === true;
  },
};

/** A terminal is redrawn at most this often: a store of millions of events must not mean millions of writes. */
const REDRAW_MS = 100;
/** How long a step runs before a log hears of its progress. */
const QUIET_MS = 1000;
/** A log gets a line per tenth of the way, and at least one this often while the work goes on. */
const LOG_LINE_MS = 10_000;

/**
 * Progress of one long step, with an estimate of the time left from the rate so far:
 * `  copying: 12,000 / 48,000 events (25%), about 9 s left`.
 */
export function startProgress(label: string, options: ProgressOptions = {}): Progress {
  const out = options.out ?? stderrProgressOutput;
  const now = options.now ?? Date.now;
  const unit = options.unit ? ` ${options.unit}` : '';
  const language = options.language ?? 'en';
  const words = WORDS[language];
  const count = (n: number): string => Math.round(n).toLocaleString(words.locale);
  const began = now();
  let total = options.total;
  let done = 0;
  let lastWrite = Number.NEGATIVE_INFINITY;
  let lastTenth = -1;
  let drawn = false;

  const line = (): string => {
    if (total === undefined) return `  ${label}: ${count(done)}${unit}`;
    const share = total === 0 ? 1 : Math.min(done / total, 1);
    return `  ${label}: ${count(done)} / ${count(total)}${unit} (${Math.floor(share * 100)}%), ${timeLeft(began, now(), done, total, language)}`;
  };

  return {
    update(next, nextTotal) {
      done = next;
      if (nextTotal !== undefined) total = nextTotal;
      const at = now();
      const complete = total !== undefined && done >= total;
      if (out.isTTY) {
        if (!complete && at - lastWrite < REDRAW_MS) return;
        out.write(`\r\x1b[K${line()}`);
        drawn = true;
      } else {
        // A step done within a second gets its closing line only: a log is read, not watched.
        if (at - began < QUIET_MS) return;
        const tenth = total ? Math.floor((10 * Math.min(done, total)) / total) : -1;
        if (tenth === lastTenth && at - lastWrite < LOG_LINE_MS) return;
        lastTenth = tenth;
        out.write(`${line()}\n`);
      }
      lastWrite = at;
    },
    log(text) {
      if (out.isTTY && drawn) out.write(`\r\x1b[K${text}\n${line()}`);
      else out.write(`${text}\n`);
    },
    finish(summary) {
      const took = `${words.took} ${duration(now() - began, language)}`;
      const closing = `  ${label}: ${summary ?? `${count(done)}${unit}`} ${took}`;
      out.write(out.isTTY && drawn ? `\r\x1b[K${closing}\n` : `${closing}\n`);
    },
  };
}

function timeLeft(began: number, at: number, done: number, total: number, language: ProgressLanguage): string {
  const words = WORDS[language];
  const elapsed = at - began;
  if (done >= total) return words.done;
  // Too early to say: the first moments (opening files, warming caches) do not predict the rate.
  if (done === 0 || elapsed < 500) return words.estimating;
  return words.left(duration(((total - done) * elapsed) / done, language));
}

export function duration(ms: number, language: ProgressLanguage = 'en'): string {
  const { locale, units: [s, min, h] } = WORDS[language];
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toLocaleString(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} ${s}`;
  if (seconds < 60) return `${Math.round(seconds)} ${s}`;
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} ${min} ${whole % 60} ${s}`;
  return `${Math.floor(minutes / 60)} ${h} ${minutes % 60} ${min}`;
}
