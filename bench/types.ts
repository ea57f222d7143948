// What one benchmark module returns; bench/run.ts collects them into docs/benchmarks.md.
export interface BenchSection {
  /** Heading in docs/benchmarks.md, e.g. "Checking 1,000 device certificates". */
  title: string;
  /** Markdown body: the method, a results table, and whether the goal was met. */
  markdown: string;
}

/** A benchmark module exports `run`. It may take minutes; it must clean up after itself. */
export type BenchModule = { run(): Promise<BenchSection> };
