import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import * as ts from 'typescript';

/**
 * The dependency rule of docs/architecture.md, read from the import graph of the sources (`src/`, `projections/`;
 * specs left out): no import cycle, and no import from a lower layer into a higher one. Type-only imports count:
 * a type in the wrong place is a rule in the wrong place.
 */
const root = resolve(__dirname, '../..');

type Layer = 'core' | 'domain' | 'projections' | 'application' | 'edge';
const RANK: Record<Layer, number> = { core: 0, domain: 1, projections: 2, application: 3, edge: 4 };

/**
 * - core (`src/core/`): the kernel every feature builds on; imports nothing of the features.
 * - domain (`src/<context>/domain/`): deciders, events, states, policies; pure.
 * - projections (`projections/`): folds of events into read-model documents; import only domain and core.
 * - application: everything else in `src/` (handlers, stores and adapters, the projector, reminders, ...).
 * - edge: HTTP (`src/<context>/http/`, controllers), Nest modules, CLIs and the composition root.
 */
function layerOf(file: string, source: string): Layer {
  if (file.startsWith('src/core/')) return 'core';
  if (/^src\/[^/]+\/domain\//.test(file)) return 'domain';
  if (file.startsWith('projections/')) return 'projections';
  if (/^src\/[^/]+\/http\//.test(file) || /\.(controller|module)\.ts$/.test(file) || /-cli\.ts$/.test(file)) return 'edge';
  if (/^src\/(app\.module|configure-app|main|cli)\.ts$/.test(file)) return 'edge';
  if (/@Controller\(/.test(source)) return 'edge';
  return 'application';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === 'src/web/public' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

interface Edge {
  from: string;
  to: string;
}

function importGraph(): { files: Map<string, string>; edges: Edge[]; unresolved: string[] } {
  const files = new Map([...sourceFiles('src'), ...sourceFiles('projections')].map((file) => [file, readFileSync(join(root, file), 'utf8')]));
  const edges: Edge[] = [];
  const unresolved: string[] = [];
  for (const [file, source] of files) {
    for (const { fileName } of ts.preProcessFile(source, true, true).importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const base = resolve(root, dirname(file), fileName);
      const target = [`${base}.ts`, join(base, 'index.ts'), base].find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
      if (target) edges.push({ from: file, to: relative(root, target) });
      else unresolved.push(`${file} imports ${fileName}`);
    }
  }
  return { files, edges, unresolved };
}

/** The strongly connected components of more than one file (Tarjan): each is at least one cycle. */
function cycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const to of next.get(file) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(file, Math.min(low.get(file)!, index.get(to)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || next.get(file)?.includes(file)) found.push(component.sort());
  };
  for (const file of next.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('the dependency rule', () => {
  const { files, edges, unresolved } = importGraph();
  const layer = (file: string): Layer => layerOf(file, files.get(file) ?? '');

  it('reads a graph of the whole source tree, every relative import resolved', () => {
    expect(files.size).toBeGreaterThan(200);
    expect(edges.length).toBeGreaterThan(files.size);
    expect(unresolved).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cycles(edges)).toEqual([]);
  });

  it('has no import from a lower layer into a higher one', () => {
    const upward = edges.filter(({ from, to }) => RANK[layer(to)] > RANK[layer(from)]).map(({ from, to }) => `${from} (${layer(from)}) imports ${to} (${layer(to)})`);
    expect(upward).toEqual([]);
  });

  it('keeps the core free of the features, and projections on the domain and the core', () => {
    const out = (from: Layer, allowed: readonly Layer[]) =>
      edges.filter((edge) => layer(edge.from) === from && !allowed.includes(layer(edge.to))).map(({ from: f, to }) => `${f} imports ${to}`);
    expect(out('core', ['core'])).toEqual([]);
    expect(out('domain', ['core', 'domain'])).toEqual([]);
    expect(out('projections', ['core', 'domain', 'projections'])).toEqual([]);
  });

  // The rule itself, on made-up imports: the checks above would pass on an empty or wrongly read graph otherwise.
  it('finds a cycle and an upward import when there is one', () => {
    expect(cycles([{ from: 'a', to: 'b' }, { from: 'b', to: 'c' }, { from: 'c', to: 'a' }, { from: 'c', to: 'd' }])).toEqual([['a', 'b', 'c']]);
    expect(layerOf('src/agreements/domain/agreement.decide.ts', '')).toBe('domain');
    expect(layerOf('src/agreements/http/agreements.controller.ts', '')).toBe('edge');
    expect(layerOf('src/audit/administration-trail.ts', "@Controller('audit')")).toBe('edge');
    expect(layerOf('projections/agreement-status/deadlines.ts', '')).toBe('projections');
    expect(RANK[layerOf('src/core/decider.ts', '')]).toBeLessThan(RANK[layerOf('src/agreements/domain/policy.ts', '')]);
  });
});
