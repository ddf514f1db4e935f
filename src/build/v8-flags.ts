/**
 * V8 flags for processes whose time goes mostly to warming up: a one-shot `build` or `check`, and the pool's
 * workers (a batch of 120 monthly reports gives each of 2 workers 60). Such a process spends more CPU compiling
 * optimised code than that code saves it: TurboFan compiled the line breaker's `prepare` five times, 55 ms each, in
 * one worker's 60 reports. Without inlining, and optimising only what stays hot over a longer count (about 4× the
 * default interrupt budget), the sample builds in 632 instead of 716 ms (CPU 760 instead of 1,030 ms) and 2 workers
 * build 23–24 reports/s instead of 20–22 (measurements in docs/benchmarks.md). Long-running warm processes (the
 * preview server, the library) keep V8's defaults.
 */
export const WARM_UP_V8_FLAGS = ['--no-turbo-inlining', '--interrupt-budget=300000'] as const;
