import type { ConnectionOptions } from 'bullmq';

/** The queue's name when `--queue` is not given. Several deployments can share one Redis under other names. */
export const DEFAULT_QUEUE = 'briefing';

/** BullMQ's key prefix (its default): every key Briefing touches starts with `bull:<queue>:`. */
export const PREFIX = 'bull';

/** A Redis URL that is not usable, or a queue name BullMQ would refuse: a usage error. */
export class QueueUsageError extends Error {}

/** Redis could not be reached or refused the commands: exit code 3. */
export class RedisUnavailable extends Error {}

/**
 * Checks a Redis URL as the user gave it. Only `redis://` and `rediss://` (TLS) URLs are taken, and Briefing
 * connects to exactly the host they name: there is no default host and no discovery.
 */
export function checkRedisUrl(url: string | undefined): string {
  if (!url) throw new QueueUsageError('give the Redis URL with --redis (or BRIEFING_REDIS_URL)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueUsageError(`--redis: "${url}" is not a URL (write redis://host:6379 or rediss://…)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')
    throw new QueueUsageError(`--redis: ${redact(url)} must start with redis:// or rediss://`);
  if (!parsed.hostname) throw new QueueUsageError(`--redis: ${redact(url)} names no host`);
  return url;
}

/** The URL without its password, for messages and logs. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(invalid URL)';
  }
}

/** Checks a queue name: BullMQ keys are `bull:<name>:…`, so no colons. */
export function checkQueueName(name: string): string {
  if (!/^[\w.-]+$/.test(name))
    throw new QueueUsageError(`--queue: "${name}" may use only letters, digits, "_", "-" and "."`);
  return name;
}

/**
 * Connection options for a short-lived command (enqueue, schedule, jobs): a few quick reconnection attempts,
 * then give up with an error instead of waiting forever for a Redis that is not there.
 */
export function commandConnection(url: string): ConnectionOptions {
  return {
    url,
    connectTimeout: 5_000,
    retryStrategy: (times: number) => (times > 3 ? null : 250 * times),
    // BullMQ needs null for its blocking connections (QueueEvents); commands fail through retryStrategy.
    maxRetriesPerRequest: null,
  };
}

/**
 * Connection options for a worker, which should outlive a Redis restart: reconnect forever, backing off to
 * 10 s between attempts. BullMQ sets maxRetriesPerRequest to null itself for blocking connections.
 */
export function workerConnection(url: string): ConnectionOptions {
  return {
    url,
    connectTimeout: 10_000,
    retryStrategy: (times: number) => Math.min(500 * times, 10_000),
    maxRetriesPerRequest: null,
  };
}
