/** A build went past a limit (pages or time): stopped on purpose, reported as a diagnostic, never a crash. */
export class LimitExceeded extends Error {
  constructor(
    readonly code: 'limit:pages' | 'limit:time',
    message: string,
  ) {
    super(message);
    this.name = 'LimitExceeded';
  }
}

/** Defaults: generous for any real report, small enough to stop a runaway document or template. */
export const DEFAULT_LIMITS = { maxPages: 1000, timeLimitMs: 120_000 } as const;

/**
 * The limits of one build, handed to every stage that can run away: each checks pages as it makes them and the
 * clock in its long loops, so a runaway document stops within a moment of its limit.
 */
export class BuildLimits {
  /** performance.now() past which the build stops. */
  readonly deadline: number;

  constructor(
    readonly maxPages: number = DEFAULT_LIMITS.maxPages,
    readonly timeLimitMs: number = DEFAULT_LIMITS.timeLimitMs,
    started: number = performance.now(),
  ) {
    this.deadline = started + timeLimitMs;
  }

  /** Throws LimitExceeded when the document has more than `maxPages` pages, or the time is up. */
  checkPages(pages: number): void {
    if (pages > this.maxPages)
      throw new LimitExceeded('limit:pages', `the document is longer than ${this.maxPages} pages`);
    this.checkTime();
  }

  /** Throws LimitExceeded when the clock is past the deadline (long loops call it now and then). */
  checkTime(): void {
    if (performance.now() > this.deadline)
      throw new LimitExceeded(
        'limit:time',
        `the build took longer than ${this.timeLimitMs < 10_000 ? (this.timeLimitMs / 1000).toFixed(1) : Math.round(this.timeLimitMs / 1000)} s`,
      );
  }
}
