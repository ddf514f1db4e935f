import { CACHE_PARTS, type CacheUsage, type PruneResult } from '../build/cache-prune.js';

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`;

/** What `briefing cache` prints: the folder, its parts, the limit, and what a prune or clear removed. */
export function cacheReport(
  usage: CacheUsage,
  limit: number | false,
  done: PruneResult | undefined,
  cleared: boolean,
  format: 'human' | 'json',
): string {
  if (format === 'json')
    return (
      JSON.stringify(
        {
          dir: usage.dir,
          files: usage.files,
          bytes: usage.bytes,
          limitBytes: limit,
          parts: usage.parts,
          prunedAt: usage.prunedAt !== undefined ? new Date(usage.prunedAt).toISOString() : null,
          ...(done ? { [cleared ? 'cleared' : 'pruned']: done.removed } : {}),
        },
        null,
        2,
      ) + '\n'
    );
  const lines: string[] = [];
  if (done)
    lines.push(
      `${cleared ? 'cleared' : 'pruned'}: removed ${done.removed.files} files (${mb(done.removed.bytes)}) of ${done.before.files} (${mb(done.before.bytes)})`,
    );
  lines.push(`cache folder: ${usage.dir}`);
  lines.push(
    `holds ${usage.files} files, ${mb(usage.bytes)}; limit ${limit === false ? 'none' : mb(limit)}` +
      `; last pruned ${usage.prunedAt !== undefined ? new Date(usage.prunedAt).toISOString() : 'never'}`,
  );
  const width = Math.max(...CACHE_PARTS.map((p) => p.length));
  for (const part of CACHE_PARTS) {
    const { files, bytes } = usage.parts[part];
    lines.push(`  ${part.padEnd(width)}  ${String(files).padStart(7)} files  ${mb(bytes).padStart(10)}`);
  }
  return lines.join('\n') + '\n';
}
