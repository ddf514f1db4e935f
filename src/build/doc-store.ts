import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { readCacheFile, writeCacheFile } from './cache-dir.js';
import { loadedPackageVersion } from './versions.js';

/**
 * What a document's last build set — its paragraphs' lines (typeset/text.ts) and its flows' page layouts
 * (paginate/kept.ts) — kept in the cache folder for its next build in a new process: the CLI rebuilding a document
 * after an edit sets again only the paragraphs that changed, and lays out pages again only when a flow did.
 * One file a document (`<cache>/documents/<sha256>.bin`, by the pack, the data file and the fonts file as given,
 * and the engine's code), holding what its last build used — no more: it is rewritten when that changed. Values are
 * plain data in V8's serialization (`node:v8`: shared objects stay shared). Entries are keyed by everything that
 * makes them (the runs' text and style, the faces' files, sizes and times, the measure); the engine's code — the
 * modules of the folders that set text and lay out pages, Briefing's version, and fontkit's — is in the file's
 * key, so another version of Briefing never reads them. A file that does not read or deserialize is ignored.
 */
const FORMAT = 'briefing-document-store-1';
/** Folders whose code decides what is kept (beside this module's folder, in dist/ or src/). */
const ENGINE_FOLDERS = ['cjk', 'typeset', 'paginate', 'fonts', 'document'];
/** A document's file is read only up to this size. */
const MAX_FILE = 64 * 2 ** 20;

let engine: string | undefined;

/**
 * A hash of what identifies the engine's code — each module's name, size and modification time (a module rewritten
 * has a new time; reading and hashing their text cost 7 ms a start), and Briefing's version (npm gives an installed
 * package's files one fixed time) — and of Node's and its packages' versions. Made once a process.
 */
function engineKey(): string {
  if (engine !== undefined) return engine;
  const h = createHash('sha256').update(`${FORMAT}|${process.version}\n`);
  // The packages the line engine breaks and hyphenates Western text with (fontkit's version comes with `versions`).
  for (const name of ['linebreak', 'hyphen']) h.update(`${name} ${loadedPackageVersion(name)}\n`);
  const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
  try {
    h.update(readFileSync(path.join(root, '..', 'package.json')));
  } catch {
    h.update('no package.json');
  }
  for (const folder of ENGINE_FOLDERS) {
    let names: string[] = [];
    try {
      names = readdirSync(path.join(root, folder))
        .filter((n) => /\.(js|ts)$/.test(n) && !n.endsWith('.d.ts'))
        .sort();
    } catch {
      // a folder missing from a trimmed install: its absence is part of the key
    }
    for (const name of names) {
      const st = statSync(path.join(root, folder, name), { throwIfNoEntry: false });
      h.update(`${folder}/${name} ${st?.size} ${st?.mtimeMs}\0`);
    }
  }
  return (engine = h.digest('hex'));
}

interface Open {
  file: string;
  loaded: Map<string, unknown>;
  used: Map<string, unknown>;
  added: number;
  taken: number;
}

let open: Open | undefined;

/** What a build took from its document's store, added to it, and whether it wrote the store's file. */
export interface DocStoreUse {
  taken: number;
  added: number;
  written: boolean;
}

/**
 * Opens the store of one document for the build that starts: `doc` names the document (its pack, data and fonts
 * files as the build was given them), `versions` the packages whose answers are kept (fontkit's shaping). Without
 * a cache folder, nothing is kept.
 */
export function openDocStore(cacheDir: string | false | undefined, doc: string, versions: string): void {
  open = undefined;
  if (!cacheDir) return;
  const key = createHash('sha256').update(`${engineKey()}\n${versions}\n${doc}`).digest('hex');
  const file = path.join(cacheDir, 'documents', `${key}.bin`);
  let loaded = new Map<string, unknown>();
  const bytes = readCacheFile(file, MAX_FILE);
  if (bytes) {
    try {
      const value: unknown = v8.deserialize(bytes);
      if (value instanceof Map) loaded = value as Map<string, unknown>;
    } catch {
      // damaged: set afresh
    }
  }
  open = { file, loaded, used: new Map(), added: 0, taken: 0 };
}

/** Whether a document's store is open (the build keeps what it sets): its keys need not be made otherwise. */
export function docStoreOpen(): boolean {
  return open !== undefined;
}

/** What the document's last build kept under this key, if anything: the caller checks it, and stores what it uses. */
export function storedEntry(key: string): unknown {
  return open?.loaded.get(key);
}

/**
 * Keeps what this build used under this key for the document's next build: the value it read (`storedEntry`),
 * taken, or one it made or had in memory, added (which has the file written again, so that a value read and not
 * taken is replaced).
 */
export function storeEntry(key: string, value: unknown): void {
  if (!open || open.used.has(key)) return;
  open.used.set(key, value);
  if (open.loaded.get(key) === value) {
    open.taken++;
  } else {
    open.added++;
  }
}

/**
 * Ends the build: its file is written when what it used differs from what was read (something new, or something
 * no longer used). A build that failed closes without saving (`save` false).
 */
export function closeDocStore(save: boolean): DocStoreUse | undefined {
  const o = open;
  open = undefined;
  if (!o) return undefined;
  const use = { taken: o.taken, added: o.added, written: false };
  if (!save || (o.added === 0 && o.taken === o.loaded.size)) return use;
  let bytes: Buffer;
  try {
    bytes = v8.serialize(o.used);
  } catch {
    return use; // not plain data: nothing kept
  }
  use.written = bytes.length <= MAX_FILE && writeCacheFile(o.file, bytes, 0o600);
  return use;
}
