import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Queue } from 'bullmq';
import type { PeriodChoice } from '../batch/manifest.js';
import { DEFAULT_FONTS_CONFIG } from '../build/paths.js';
import { QueueUsageError } from './connection.js';
import { DEFAULT_ATTEMPTS, EXPAND, expandJobOptions, type ExpandJobData } from './jobs.js';

/** A repeatable build: a manifest expanded into build jobs at every firing of a cron pattern. */
export interface ScheduleOptions extends PeriodChoice {
  manifest: string;
  outDir?: string;
  fontsConfig?: string;
  strict?: boolean;
  /** Cron pattern (5 or 6 fields, as cron-parser reads them), e.g. `0 6 2 * *`. */
  cron: string;
  /** IANA time zone of the pattern and of `previous`/`current`; default the worker's. */
  tz?: string;
  attempts?: number;
  /** The scheduler's id; default derived from the manifest and the output folder. */
  name?: string;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A scheduler's id: the one given, or one per manifest and output folder (so re-registering replaces it). */
export function schedulerId(manifest: string, outDir: string, name?: string): string {
  if (name !== undefined) {
    if (!/^[\w.-]+$/.test(name))
      throw new QueueUsageError(`--name: "${name}" may use only letters, digits, "_", "-" and "."`);
    return name;
  }
  const h = createHash('sha256').update(`${manifest}\0${outDir}`).digest('hex').slice(0, 12);
  return `${path.basename(manifest, path.extname(manifest))}-${h}`;
}

/**
 * Which months a firing builds. `previous` (the default: on the 2nd, last month's reports) and `current` are
 * taken in the schedule's time zone at the moment the firing was due, not when a worker got to it.
 */
export function periodsAt(data: ExpandJobData, when: number): PeriodChoice {
  if (data.from || data.to)
    return { ...(data.from ? { from: data.from } : {}), ...(data.to ? { to: data.to } : {}) };
  if (data.period === 'manifest') return {};
  if (MONTH.test(data.period)) return { period: data.period };
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    ...(data.tz ? { timeZone: data.tz } : {}),
  }).formatToParts(new Date(when));
  let y = Number(parts.find((p) => p.type === 'year')!.value);
  let m = Number(parts.find((p) => p.type === 'month')!.value);
  if (data.period === 'previous' && --m === 0) [y, m] = [y - 1, 12];
  return { period: `${y}-${String(m).padStart(2, '0')}` };
}

/** Registers (or replaces) the scheduler; returns its id and when it fires next. */
export async function upsertSchedule(
  queue: Queue,
  options: ScheduleOptions,
): Promise<{ id: string; next: number | undefined }> {
  const manifest = path.resolve(options.manifest);
  const outDir = path.resolve(options.outDir ?? 'out');
  const id = schedulerId(manifest, outDir, options.name);
  const period = options.period ?? (options.from || options.to ? 'manifest' : 'previous');
  if (!['previous', 'current', 'manifest'].includes(period) && !MONTH.test(period))
    throw new QueueUsageError(`--period: "${period}" is not YYYY-MM, previous, current or manifest`);
  for (const m of [options.from, options.to])
    if (m !== undefined && !MONTH.test(m)) throw new QueueUsageError(`"${m}" is not a month (YYYY-MM)`);
  if (options.tz)
    try {
      new Intl.DateTimeFormat('en', { timeZone: options.tz });
    } catch {
      throw new QueueUsageError(`--tz: "${options.tz}" is not a time zone (e.g. Asia/Shanghai)`);
    }
  const attempts = Math.max(1, options.attempts ?? DEFAULT_ATTEMPTS);
  const data: ExpandJobData = {
    manifest,
    outDir,
    fontsConfig: options.fontsConfig ?? DEFAULT_FONTS_CONFIG,
    period,
    attempts,
    ...(options.strict ? { strict: true } : {}),
    ...(options.from ? { from: options.from } : {}),
    ...(options.to ? { to: options.to } : {}),
    ...(options.tz ? { tz: options.tz } : {}),
  };
  try {
    await queue.upsertJobScheduler(
      id,
      { pattern: options.cron, ...(options.tz ? { tz: options.tz } : {}) },
      { name: EXPAND, data, opts: expandJobOptions(attempts) },
    );
  } catch (e) {
    // The pattern is parsed (by cron-parser, under BullMQ) before anything is written to Redis.
    const { message, stack } = e as Error;
    if (
      /cron-parser/.test(stack ?? '') ||
      /cron|pattern|validation|invalid|out of range|constraint/i.test(message)
    )
      throw new QueueUsageError(`--cron: "${options.cron}": ${message}`);
    throw e;
  }
  return { id, next: (await queue.getJobScheduler(id))?.next };
}

/** Removes the scheduler (a job it already made is left to finish); false when there was none. */
export async function removeSchedule(
  queue: Queue,
  options: Pick<ScheduleOptions, 'manifest' | 'outDir' | 'name'>,
): Promise<{ id: string; removed: boolean }> {
  const id = schedulerId(path.resolve(options.manifest), path.resolve(options.outDir ?? 'out'), options.name);
  return { id, removed: await queue.removeJobScheduler(id) };
}
