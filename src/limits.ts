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

/** Limits of one build; the layout checks them as it goes, so a runaway document stops early. */
export interface Limits {
  maxPages: number;
  /** performance.now() past which the build stops. */
  deadline: number;
  timeLimitMs: number;
}

/** Defaults: generous for any real report, small enough to stop a runaway document or template. */
export const DEFAULT_LIMITS = { maxPages: 1000, timeLimitMs: 120_000 } as const;

let current: Limits | undefined;

/** Sets the limits the layout checks (one build at a time per process: pdfmake itself is a singleton). */
export function setLimits(limits: Limits | undefined): void {
  current = limits;
}

/** Throws LimitExceeded when the page being laid out or the clock is past the current build's limits. */
export function checkLimits(page: number): void {
  if (!current) return;
  if (page + 1 > current.maxPages)
    throw new LimitExceeded('limit:pages', `the document is longer than ${current.maxPages} pages`);
  checkDeadline();
}

/** Throws LimitExceeded when the clock is past the current build's deadline (long loops call it now and then). */
export function checkDeadline(): void {
  if (!current) return;
  if (performance.now() > current.deadline)
    throw new LimitExceeded(
      'limit:time',
      `the build took longer than ${current.timeLimitMs < 10_000 ? (current.timeLimitMs / 1000).toFixed(1) : Math.round(current.timeLimitMs / 1000)} s`,
    );
}
