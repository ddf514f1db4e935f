import os from 'node:os';
import path from 'node:path';

/**
 * The disk cache folder: `BRIEFING_CACHE_DIR` if set (`off`, `false`, `0` or `no` turn the disk cache off),
 * else the user's cache folder (`$XDG_CACHE_HOME/briefing`, or `~/.cache/briefing`), so that Briefing never
 * leaves files beside the user's own. Entries are keyed by content; sharing them between projects is safe.
 */
export function cacheDirFor(_outFile?: string): string | false {
  const env = process.env.BRIEFING_CACHE_DIR?.trim();
  if (env) return /^(off|false|0|no)$/i.test(env) ? false : path.resolve(env);
  const xdg = process.env.XDG_CACHE_HOME?.trim();
  return path.join(xdg ? path.resolve(xdg) : path.join(os.homedir(), '.cache'), 'briefing');
}
