/** One sample of a scrape: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  /** Metric families by name, with their declared type. */
  types: Map<string, string>;
  samples: Sample[];
  /** The value of the one sample with this name whose labels include `labels`; throws when there is none. */
  value(name: string, labels?: Record<string, string>): number;
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)(?: -?\\d+)?$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/;
const SUFFIXES = ['', '_total', '_bucket', '_sum', '_count', '_created'];

/**
 * A strict reader of Prometheus' text exposition format (0.0.4), as a Prometheus server reads a scrape: every line is
 * a `# HELP`, a `# TYPE` or a sample of a declared family, each label quoted and escaped, each value a number; any
 * other line throws. (prom-client writes this format but ships no reader of it.)
 */
export function parsePrometheusText(text: string): Scrape {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line === '') continue;
    const fail = (why: string) => new Error(`line ${index + 1} ${why}: ${line}`);
    const comment = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (comment) {
      if (comment[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(comment[3])) throw fail('declares an unknown type');
        types.set(comment[2], comment[3]);
      }
      continue;
    }
    const sample = SAMPLE.exec(line);
    if (!sample) throw fail('is not a sample');
    const [, name, labelText = '', valueText] = sample;
    if (!SUFFIXES.some((suffix) => name.endsWith(suffix) && types.has(name.slice(0, name.length - suffix.length)))) {
      throw fail('belongs to no declared family');
    }
    const value = valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
    if (Number.isNaN(value) && valueText !== 'NaN') throw fail('has a value that is not a number');
    const labels: Record<string, string> = {};
    for (let rest = labelText; rest !== ''; ) {
      const label = LABEL.exec(rest);
      if (!label) throw fail('has a malformed label');
      labels[label[1]] = label[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      rest = rest.slice(label[0].length);
    }
    samples.push({ name, labels, value });
  }
  return {
    types,
    samples,
    value(name, labels = {}) {
      const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      if (found.length !== 1) throw new Error(`${found.length} samples ${name}${JSON.stringify(labels)} in the scrape`);
      return found[0].value;
    },
  };
}
