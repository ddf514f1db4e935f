/** Briefing's library API: build a report in-process. */
export { buildReport, type BuildOptions, type BuildResult } from './pipeline/pipeline.js';
export { defaultOutFile } from './build/paths.js';
export type { ReportRequest } from './build/request.js';
export { buildBatch, type BatchOptions, type BatchSummary, type ReportOutcome } from './batch/run.js';
export type { Diagnostic, Place, Point, Severity } from './diagnostics/diagnostic.js';
export { formatDiagnostic, diagnosticToJson } from './diagnostics/format.js';
export { cacheDirFor } from './build/cache-dir.js';
export {
  cacheUsage,
  clearCache,
  pruneCache,
  pruneIfDue,
  type CacheUsage,
  type PruneResult,
} from './build/cache-prune.js';
