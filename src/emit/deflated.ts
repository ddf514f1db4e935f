import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';

/**
 * Streams deflated by this process, by the SHA-256 of their bytes: a rebuild in a warm process (the preview after an
 * edit, the library API, a worker) writes most of its streams as they were — the pages an edit did not touch, the
 * colour profile, metadata that did not change — and deflating them again was a tenth of a warm build. Hashing a
 * stream costs a fortieth of deflating it. The same bytes deflate to the same bytes, so the PDF is the same either
 * way. The most recently used are kept, up to a bound.
 */
const kept = new Map<string, Buffer>();
const KEPT_BYTES = 16 * 2 ** 20;
/** Streams this short are deflated every time (hashing and keeping them would cost about as much). */
const MIN_BYTES = 2048;
let keptBytes = 0;
/** Streams deflated, and streams whose deflated bytes were kept from before (tests, benchmarks). */
const counts = { deflated: 0, kept: 0 };

/** What this module needs of pdfkit's PDFReference (an indirect object, a stream when it has a buffer). */
interface StreamRef {
  compress: boolean;
  buffer: Buffer[] | Buffer;
  finalize: (this: StreamRef) => void;
}

const patched = new WeakSet<object>();

/**
 * Makes pdfkit's streams (the class of `ref`, one of its document's objects) deflate through the process's kept
 * streams. A stream whose bytes were deflated already (a kept font subset: emit/embed.ts) is left as it is.
 */
export function keepDeflatedStreams(ref: object): void {
  const proto = Object.getPrototypeOf(ref) as StreamRef;
  if (patched.has(proto)) return;
  patched.add(proto);
  const finalize = proto.finalize;
  proto.finalize = function (this: StreamRef) {
    if (this.compress && Array.isArray(this.buffer) && this.buffer.length > 0) {
      const bytes = Buffer.concat(this.buffer);
      // pdfkit's write() has set the stream's /Filter; finalize() writes the bytes as given and their length.
      this.buffer = [bytes.length < MIN_BYTES ? deflateSync(bytes) : deflated(bytes)];
      this.compress = false;
    }
    finalize.call(this);
  };
}

/** The bytes deflated as pdfkit deflates them (zlib's defaults), from the kept ones when they were seen before. */
export function deflated(bytes: Buffer): Buffer {
  const key = createHash('sha256').update(bytes).digest('base64');
  const hit = kept.get(key);
  if (hit) {
    counts.kept++;
    kept.delete(key);
    kept.set(key, hit);
    return hit;
  }
  counts.deflated++;
  const out = deflateSync(bytes);
  if (out.length > KEPT_BYTES / 4) return out;
  // zlib's output may be a slice of a larger chunk (16 KB for a short stream), and a pooled copy a slice of a
  // pool: what is kept is a buffer of its own, so that the bound counts what is held.
  const own = Buffer.allocUnsafeSlow(out.length);
  out.copy(own);
  kept.set(key, own);
  keptBytes += own.length;
  for (const [k, v] of kept) {
    if (keptBytes <= KEPT_BYTES) break;
    kept.delete(k);
    keptBytes -= v.length;
  }
  return own;
}

/** How many streams of MIN_BYTES or more this process deflated, and how many it took as they were kept. */
export function deflateCounts(): { deflated: number; kept: number } {
  return { ...counts };
}
