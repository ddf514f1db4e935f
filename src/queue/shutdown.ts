import type { Queue, Worker } from 'bullmq';
import type { Tinypool } from 'tinypool';
import { PREFIX } from './connection.js';
import { closePool } from '../batch/pool.js';

/** The heartbeat key of a worker: `bull:<queue>:heartbeat:<host:pid>`, refreshed every 10 s, gone after 30 s. */
export function heartbeatKey(queue: string, name: string): string {
  return `${PREFIX}:${queue}:heartbeat:${name}`;
}
export const HEARTBEAT_SECONDS = 10;

/** What shutting a worker down needs of it. */
export interface ShutdownContext {
  readonly options: { graceSeconds?: number };
  readonly queueName: string;
  readonly name: string;
  readonly pool: Tinypool;
  readonly queue: Queue;
  readonly say: (line: string) => void;
}

/** Builds in progress, so that shutting down knows when there is nothing left to wait for. */
export class Activity {
  active = 0;
  private idle: (() => void)[] = [];
  whenIdle(): Promise<void> {
    return this.active === 0 ? Promise.resolve() : new Promise<void>((r) => this.idle.push(r));
  }
  async track<T>(run: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await run();
    } finally {
      if (--this.active === 0) {
        for (const r of this.idle) r();
        this.idle = [];
      }
    }
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

/**
 * Stops taking jobs, waits for builds in progress (within the grace period unless forced), tells Redis if it
 * answers, and always ends: connections are dropped and the build processes closed whatever Redis does.
 */
export async function shutdownWorker(
  ctx: ShutdownContext,
  worker: Worker,
  activity: Activity,
  force: boolean,
) {
  const graceMs = Math.max(0, ctx.options.graceSeconds ?? 25) * 1000;
  // Stop taking jobs; BullMQ also waits for the jobs in progress and records them, which needs Redis.
  const closed = worker.close(force).then(
    () => true,
    () => true,
  );
  if (!force) await Promise.race([activity.whenIdle(), sleep(graceMs)]);
  if (activity.active > 0)
    ctx.say(
      `stopping ${activity.active} build${activity.active === 1 ? '' : 's'} still running after the grace period`,
    );
  // The builds are done (or out of time): a few seconds to tell Redis, then leave whether it answered or not.
  // A job whose result could not be recorded goes to another worker when its lock expires.
  const client = await Promise.race([worker.client, sleep(200).then(() => undefined)]).catch(() => undefined);
  const connected = client?.status === 'ready';
  const told = await Promise.race([closed, sleep(force || !connected ? 300 : 3000).then(() => false)]);
  if (told) {
    const qc = await Promise.race([ctx.queue.client, sleep(500).then(() => undefined)]).catch(
      () => undefined,
    );
    await Promise.race([qc?.del(heartbeatKey(ctx.queueName, ctx.name)).catch(() => undefined), sleep(500)]);
    await Promise.race([ctx.queue.close(), sleep(1000)]).catch(() => undefined);
  } else ctx.say(`Redis did not answer: stopping without it`);
  // Close the connections without waiting for Redis: queued commands fail, no reconnection is tried.
  const clients = [worker.client, worker.waitUntilReady(), ctx.queue.client].map((c) =>
    Promise.race([c, sleep(200).then(() => undefined)]).catch(() => undefined),
  );
  for (const c of await Promise.all(clients)) c?.disconnect();
  await closePool(ctx.pool);
}
