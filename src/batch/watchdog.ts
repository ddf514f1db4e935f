import { Worker } from 'node:worker_threads';

/**
 * Makes this build process die with the process that started it, whatever it is doing. The 'disconnect' event
 * lets a build in hand finish first, but a build stuck in a long synchronous loop never returns to the event
 * loop to see it: a thread of its own watches the parent's pid and, `graceMs` after the parent is gone, kills
 * this process. (Its output is written to a temporary file and renamed, so a kill never leaves a partial PDF;
 * the next run removes the temporary file.)
 */
export function dieWithParent(graceMs = 5000): void {
  const watcher = new Worker(
    `const { workerData } = require('node:worker_threads');
    let gone = 0;
    setInterval(() => {
      if (process.ppid === workerData.parent) return;
      gone ||= Date.now();
      if (Date.now() - gone >= workerData.graceMs) process.kill(process.pid, 'SIGKILL');
    }, 250);`,
    { eval: true, workerData: { parent: process.ppid, graceMs } },
  );
  // The watcher never keeps the process alive on its own.
  watcher.unref();
}
