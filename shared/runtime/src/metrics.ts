// A small Prometheus text-format registry: counters, gauges and histograms, no dependencies.
type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}="${labels[k]!.replace(/["\\\n]/g, '_')}"`).join(',');
}

class Counter {
  private readonly values = new Map<string, number>();
  /** The unlabelled series, kept apart: it is incremented on hot paths. */
  private plain = 0;
  constructor(readonly name: string, readonly help: string) {}
  inc(by = 1, labels?: Labels): void {
    if (labels === undefined) {
      this.plain += by;
      return;
    }
    const k = key(labels);
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  get(labels?: Labels): number {
    return labels === undefined ? this.plain : (this.values.get(key(labels)) ?? 0);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0 || this.plain > 0) lines.push(`${this.name} ${this.plain}`);
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${v}`);
    return lines.join('\n');
  }
}

class Gauge {
  private readonly values = new Map<string, number | (() => number)>();
  constructor(readonly name: string, readonly help: string) {}
  set(v: number | (() => number), labels: Labels = {}): void {
    this.values.set(key(labels), v);
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    for (const [k, v] of this.values) lines.push(`${this.name}${k ? `{${k}}` : ''} ${typeof v === 'function' ? v() : v}`);
    return lines.join('\n');
  }
}

class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(readonly name: string, readonly help: string, readonly buckets: number[]) {
    this.counts = buckets.map(() => 0);
  }
  observe(v: number): void {
    this.sum += v;
    this.count++;
    this.buckets.forEach((b, i) => {
      if (v <= b) this.counts[i]!++;
    });
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket{le="${b}"} ${this.counts[i]}`));
    lines.push(`${this.name}_bucket{le="+Inf"} ${this.count}`, `${this.name}_sum ${this.sum}`, `${this.name}_count ${this.count}`);
    return lines.join('\n');
  }
}

export class Metrics {
  private readonly all: { render(): string }[] = [];
  counter(name: string, help: string): Counter {
    const c = new Counter(name, help);
    this.all.push(c);
    return c;
  }
  gauge(name: string, help: string): Gauge {
    const g = new Gauge(name, help);
    this.all.push(g);
    return g;
  }
  histogram(name: string, help: string, buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]): Histogram {
    const h = new Histogram(name, help, buckets);
    this.all.push(h);
    return h;
  }
  render(): string {
    return this.all.map((m) => m.render()).join('\n') + '\n';
  }
}
export type { Counter, Gauge, Histogram };
