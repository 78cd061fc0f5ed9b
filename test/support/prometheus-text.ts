import { execFileSync } from 'node:child_process';
import { locateSystemPart } from '../../scripts/ensure-deps';

/** One sample of a scrape: `name{labels} value`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  /** Metric families by name (a counter's without its `_total`), with their declared type. */
  types: Map<string, string>;
  samples: Sample[];
  /** The value of the one sample with this name whose labels include `labels`; throws when there is none. */
  value(name: string, labels?: Record<string, string>): number;
}

/** Reads the scrape on standard input with prometheus_client's parser, and writes its families as JSON. */
const READER = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
families = [
    {"name": f.name, "type": f.type, "samples": [{"name": s.name, "labels": s.labels, "value": repr(s.value)} for s in f.samples]}
    for f in text_string_to_metric_families(sys.stdin.read())
]
json.dump(families, sys.stdout)
`;

interface Family {
  name: string;
  type: string;
  samples: { name: string; labels: Record<string, string>; value: string }[];
}

/**
 * Prometheus' text exposition format read by the Prometheus project's own parser (prometheus_client, Debian's
 * python3-prometheus-client): it throws on a line that is not a HELP, a TYPE or a sample. prom-client writes the
 * format but ships no reader, and the npm readers of it merge the label sets of a histogram into one.
 */
export function parsePrometheusText(text: string): Scrape {
  const python = locateSystemPart('prometheus-parser');
  if (!python) throw new Error('python3-prometheus-client is not installed: node scripts/ensure-deps.js test installs it');
  const families = JSON.parse(execFileSync(python, ['-c', READER], { input: text, encoding: 'utf8' })) as Family[];
  const types = new Map(families.map((f) => [f.name, f.type]));
  const samples = families.flatMap((f) => f.samples.map((s) => ({ name: s.name, labels: s.labels, value: Number(s.value.replace('inf', 'Infinity')) })));
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
