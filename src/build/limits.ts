/** A build went past a limit (pages or time): stopped on purpose, reported as a diagnostic, never a crash. */
export class LimitExceeded extends Error {
  constructor(
    readonly code: 'limit:pages' | 'limit:time' | 'limit:memory',
    message: string,
  ) {
    super(message);
    this.name = 'LimitExceeded';
  }
}

/** Defaults: generous for any real report, small enough to stop a runaway document or template. */
export const DEFAULT_LIMITS = {
  maxPages: 1000,
  timeLimitMs: 120_000,
  maxMemoryMb: 4096,
  maxDataMb: 32,
} as const;

/**
 * The limits of one build, handed to every stage that can run away: each checks pages as it makes them and the
 * clock in its long loops, so a runaway document stops within a moment of its limit.
 */
export class BuildLimits {
  /** performance.now() past which the build stops. */
  readonly deadline: number;
  private nextMemoryCheck = 0;

  constructor(
    readonly maxPages: number = DEFAULT_LIMITS.maxPages,
    readonly timeLimitMs: number = DEFAULT_LIMITS.timeLimitMs,
    started: number = performance.now(),
    readonly maxMemoryMb: number = DEFAULT_LIMITS.maxMemoryMb,
  ) {
    this.deadline = started + timeLimitMs;
  }

  /** Throws LimitExceeded when the document has more than `maxPages` pages, or the time is up. */
  checkPages(pages: number): void {
    if (pages > this.maxPages)
      throw new LimitExceeded('limit:pages', `the document is longer than ${this.maxPages} pages`);
    this.checkTime();
  }

  /**
   * Throws LimitExceeded when the clock is past the deadline or the process uses more memory than allowed (long
   * loops call it now and then: every stage that can run away, per figure, page and column).
   */
  checkTime(): void {
    const now = performance.now();
    // Reading the resident set size is a system call: at most every 50 ms (long loops call this thousands of times).
    if (now >= this.nextMemoryCheck) {
      this.nextMemoryCheck = now + 50;
      if (process.memoryUsage.rss() > this.maxMemoryMb * 2 ** 20)
        throw new LimitExceeded('limit:memory', `the build used more than ${this.maxMemoryMb} MB of memory`);
    }
    if (now > this.deadline)
      throw new LimitExceeded(
        'limit:time',
        `the build took longer than ${this.timeLimitMs < 10_000 ? (this.timeLimitMs / 1000).toFixed(1) : Math.round(this.timeLimitMs / 1000)} s`,
      );
  }
}
