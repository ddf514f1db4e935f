import { execFile, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempTree } from './support/tmp.js';
import { outputDiagnostic } from '../src/emit/write.js';

const root = path.resolve(import.meta.dirname, '..');
const cli = path.join(root, 'dist/cli/bin.js');
const run = promisify(execFile);
const sample = readFileSync(path.join(root, 'data/hengyang-2020.yaml'), 'utf8');
const SERIF = readFileSync(
  path.join(root, 'node_modules/@expo-google-fonts/noto-serif-sc/400Regular/NotoSerifSC_400Regular.ttf'),
);

/** A copy of a TrueType file with one table's bytes overwritten (its directory still right). */
function withTableOverwritten(font: Buffer, tag: string): Buffer {
  const copy = Buffer.from(font);
  for (let i = 0; i < copy.readUInt16BE(4); i++) {
    const at = 12 + 16 * i;
    if (copy.toString('latin1', at, at + 4) !== tag) continue;
    const offset = copy.readUInt32BE(at + 8);
    copy.fill(0xa7, offset, offset + copy.readUInt32BE(at + 12));
  }
  return copy;
}
const json = JSON.stringify(
  {
    kicker: '年度热词',
    headline: '转正',
    deck: '2020 衡阳',
    date: '2021-01-11',
    lead: ['导语。'],
    byline: { label: '本报记者', name: '刘畅' },
    sections: [{ title: '一', paragraphs: ['正文。'] }],
    pullQuote: { text: '同心协力', afterSection: 1 },
  },
  null,
  2,
);

/** The annual pack's schema with one more top-level property allowed. */
function schemaAllowing(name: string): string {
  const schema = JSON.parse(
    readFileSync(path.join(root, 'templates/annual-briefing/schema.json'), 'utf8'),
  ) as {
    properties: Record<string, unknown>;
  };
  schema.properties[name] = {};
  return JSON.stringify(schema);
}

interface Case {
  name: string;
  /** Files of the case's folder, besides a copy of the annual-briefing pack in `pack/`. */
  files?: Record<string, string | Buffer>;
  /** Edits to the copied pack: path → new content. */
  pack?: Record<string, string>;
  /** Arguments after `build pack --out <out>`. */
  args: string[];
  /** The output path (relative to the case's folder); default out.pdf. */
  out?: string;
  /** Exit code, the diagnostic code and a pattern its location must match (file:line:col or pointer). */
  code: number;
  diagnostic?: string;
  where?: RegExp;
  prepare?: (dir: string) => void;
  /** Checks of the case's folder after the build. */
  after?: (dir: string) => void;
}

/** The bad-input catalogue (docs/reliability.md lists the same rows and what the user sees). */
const CASES: Case[] = [
  {
    name: 'malformed YAML',
    files: { 'd.yaml': sample.replace('headline: 转正', 'headline: [转正') },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'data:syntax',
    where: /d\.yaml:\d+:\d+/,
  },
  {
    name: 'malformed JSON',
    files: { 'd.json': json.replace('"转正",', '"转正"') },
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'data:syntax',
    where: /d\.json:4:3/,
  },
  {
    name: 'invalid UTF-8 (GBK)',
    files: {
      'd.yaml': Buffer.concat([
        Buffer.from('kicker: '),
        Buffer.from([0xc4, 0xea, 0xb6, 0xc8]),
        Buffer.from('\n'),
      ]),
    },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'data:encoding',
    where: /d\.yaml:1:9/,
  },
  {
    name: 'a byte-order mark builds',
    files: { 'd.json': '\ufeff' + json },
    args: ['--data', 'd.json'],
    code: 0,
  },
  {
    name: 'wrong type',
    files: { 'd.yaml': sample.replace('  afterSection: 4', '  afterSection: [4]') },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'data:type-mismatch',
    where: /\/pullQuote\/afterSection/,
  },
  {
    name: 'missing required field',
    files: { 'd.json': json.replace('"kicker": "年度热词",', '') },
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'data:missing-field',
    where: /d\.json:1:1/,
  },
  {
    name: 'empty sections',
    files: {
      'd.json': json.replace(/"sections": \[[\s\S]*?\],\n {2}"pullQuote"/, '"sections": [],\n  "pullQuote"'),
    },
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'data:constraint',
    where: /\/sections/,
  },
  {
    name: 'control character in text',
    files: { 'd.json': json.replace('正文。', '正文\\u0007。') },
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'data:control-character',
    where: /\/sections\/0\/paragraphs\/0/,
  },
  {
    name: 'Handlebars syntax error',
    pack: { 'partials/section.hbs': '<section>\n  <heading>{{title}</heading>\n</section>' },
    args: ['--data', 'd.json'],
    files: { 'd.json': json },
    code: 1,
    diagnostic: 'template:syntax',
    where: /section\.hbs:2:\d+/,
  },
  {
    name: 'unknown helper',
    pack: { 'partials/section.hbs': '<section>\n<heading>{{shout title}}</heading>\n</section>' },
    args: ['--data', 'd.json'],
    files: { 'd.json': json },
    code: 1,
    diagnostic: 'template:unknown-helper',
    where: /section\.hbs:2:\d+/,
  },
  {
    name: 'missing partial',
    pack: { 'template.hbs': '<briefing>\n{{> nothere}}\n</briefing>' },
    args: ['--data', 'd.json'],
    files: { 'd.json': json },
    code: 1,
    diagnostic: 'template:missing-partial',
    where: /template\.hbs:2:1/,
  },
  {
    name: 'a partial that includes itself',
    pack: { 'partials/section.hbs': '{{> section}}' },
    args: ['--data', 'd.json'],
    files: { 'd.json': json },
    code: 1,
    diagnostic: 'template:recursion',
  },
  {
    name: 'unknown element',
    pack: { 'partials/section.hbs': '<section>\n  <h2>{{title}}</h2>\n</section>' },
    args: ['--data', 'd.json'],
    files: { 'd.json': json },
    code: 1,
    diagnostic: 'markup:unknown-element',
    where: /section\.hbs:2:3/,
  },
  {
    name: 'unknown attribute',
    pack: { 'partials/section.hbs': '<section>\n  <heading size="2">{{title}}</heading>\n</section>' },
    args: ['--data', 'd.json'],
    files: { 'd.json': json },
    code: 1,
    diagnostic: 'markup:unknown-attribute',
    where: /section\.hbs:2:3/,
  },
  {
    name: 'missing font file',
    files: {
      'd.json': json,
      'fonts/fonts.yaml': 'families:\n  serif: { regular: nothere.ttf }\n  sans: { regular: nothere.ttf }\n',
    },
    args: ['--data', 'd.json', '--fonts', 'fonts/fonts.yaml'],
    code: 1,
    diagnostic: 'font:file-missing',
    where: /fonts\.yaml:2:\d+/,
  },
  {
    name: 'corrupt font file',
    files: {
      'd.json': json,
      'fonts/bad.ttf': 'not a font at all',
      'fonts/fonts.yaml': 'families:\n  serif: { regular: bad.ttf }\n  sans: { regular: bad.ttf }\n',
    },
    args: ['--data', 'd.json', '--fonts', 'fonts/fonts.yaml'],
    code: 1,
    diagnostic: 'font:unreadable',
    where: /fonts\.yaml:2:\d+/,
  },
  {
    name: 'a font file cut short',
    files: {
      'd.json': json,
      'fonts/cut.ttf': SERIF.subarray(0, SERIF.length >> 2),
      'fonts/fonts.yaml': 'families:\n  serif: { regular: cut.ttf }\n  sans: { regular: cut.ttf }\n',
    },
    args: ['--data', 'd.json', '--fonts', 'fonts/fonts.yaml'],
    code: 1,
    diagnostic: 'font:unreadable',
    where: /fonts\.yaml:2:\d+/,
  },
  {
    name: 'a font file whose character map is overwritten',
    files: {
      'd.json': json,
      'fonts/cmap.ttf': withTableOverwritten(SERIF, 'cmap'),
      'fonts/fonts.yaml': 'families:\n  serif: { regular: cmap.ttf }\n  sans: { regular: cmap.ttf }\n',
    },
    args: ['--data', 'd.json', '--fonts', 'fonts/fonts.yaml'],
    code: 1,
    diagnostic: 'font:unreadable',
    where: /cmap\.ttf/,
  },
  {
    name: 'a font outside the fonts folder',
    files: {
      'd.json': json,
      'fonts/fonts.yaml':
        'families:\n  serif: { regular: ../../../../etc/passwd }\n  sans: { regular: ../../../../etc/passwd }\n',
    },
    args: ['--data', 'd.json', '--fonts', 'fonts/fonts.yaml'],
    code: 1,
    diagnostic: 'font:outside',
    where: /fonts\.yaml:2:\d+/,
  },
  {
    name: 'chart value NaN',
    files: { 'd.yaml': sample.replace('values: [1.7, 3.0, 2.6]', 'values: [1.7, .nan, 2.6]') },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'chart:not-a-number',
    where: /\/values\/1/,
  },
  {
    name: 'chart value Infinity',
    files: { 'd.yaml': sample.replace('values: [1.7, 3.0, 2.6]', 'values: [1.7, .inf, 2.6]') },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'chart:not-a-number',
    where: /\/values\/1/,
  },
  {
    name: 'chart series shorter than labels',
    files: { 'd.yaml': sample.replace('values: [1.7, 3.0, 2.6]', 'values: [1.7, 3.0]') },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'chart:length-mismatch',
    where: /\/sections\/2\/figures\/0\/series\/0\/values/,
  },
  {
    name: 'a partial linked from outside the pack',
    files: { 'd.json': json, 'secret.hbs': '<p>secret</p>' },
    prepare: (dir) => symlinkSync(path.join(dir, 'secret.hbs'), path.join(dir, 'pack/partials/leak.hbs')),
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'template:outside-pack',
    where: /leak\.hbs/,
  },
  {
    name: 'a runaway document (page limit)',
    files: { 'd.yaml': sample },
    args: ['--data', 'd.yaml', '--max-pages', '2'],
    code: 1,
    diagnostic: 'limit:pages',
  },
  {
    name: 'a lone surrogate in the data',
    files: { 'd.json': json.replace('正文。', '正文\\ud800。') },
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'data:ill-formed-text',
    where: /d\.json:\d+:\d+ \/sections\/0\/paragraphs\/0/,
  },
  {
    name: 'a noncharacter in a key',
    files: { 'd.json': json.replace('"kicker"', '"kick\\ufdd0er": 1, "kicker"') },
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'data:ill-formed-text',
    where: /d\.json:2:3/,
  },
  {
    name: 'the output path is a folder',
    files: { 'd.json': json, 'out.pdf/keep': 'x' },
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'output:is-directory',
    where: /out\.pdf/,
  },
  {
    name: 'a folder of the output path is a file',
    files: { 'd.json': json, blocker: 'x' },
    out: 'blocker/out.pdf',
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'output:not-a-folder',
    where: /blocker\/out\.pdf/,
  },
  {
    name: 'a 2 MB token with no break opportunity, past a small time limit',
    files: { 'd.json': json.replace('正文。', `正文${'、'.repeat(700_000)}。`) },
    args: ['--data', 'd.json', '--time-limit', '2'],
    code: 1,
    diagnostic: 'limit:time',
  },
  {
    name: 'a template of 300 page breaks, past --max-pages 10',
    files: { 'd.json': json },
    pack: {
      'template.hbs': readFileSync(path.join(root, 'templates/annual-briefing/template.hbs'), 'utf8').replace(
        '<body>',
        '<pagebreak/>'.repeat(300) + '<body>',
      ),
    },
    args: ['--data', 'd.json', '--max-pages', '10'],
    code: 1,
    diagnostic: 'limit:pages',
  },
  {
    name: 'a pull quote after a section that is not there',
    files: { 'd.yaml': sample.replace('  afterSection: 4', '  afterSection: 12') },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'data:invalid',
    where: /d\.yaml:\d+:\d+ \/pullQuote\/afterSection/,
  },
  {
    name: 'a pie with a value of 5e307 (Chart.js would loop for ever)',
    files: {
      'd.yaml': sample
        .replace(
          '      - type: bar\n        title: 前三季度GDP增速对比',
          '      - type: pie\n        title: 前三季度GDP增速对比',
        )
        .replace('values: [1.7, 3.0, 2.6]', 'values: [1.7, 5e307, 2.6]'),
    },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'chart:value-range',
    where: /d\.yaml:35:\d+ \/sections\/2\/figures\/0\/series\/0\/values\/1/,
  },
  {
    name: 'bars of ±1e308',
    files: { 'd.yaml': sample.replace('values: [1.7, 3.0, 2.6]', 'values: [1e308, -1e308, 2.6]') },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'chart:value-range',
    where: /\/values\/0/,
  },
  {
    name: 'a chart label of 300 digits',
    files: { 'd.yaml': sample.replace('labels: [衡阳·上半年,', `labels: ['${'9'.repeat(300)}',`) },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'chart:labels',
    where: /d\.yaml:32:\d+ \/sections\/2\/figures\/0\/labels\/0/,
  },
  {
    name: 'a chart of 100,000 bars',
    files: {
      'd.json': JSON.stringify({
        ...(JSON.parse(json) as object),
        sections: [
          {
            title: '一',
            paragraphs: ['正文。'],
            figures: [
              {
                type: 'bar',
                title: '十万',
                labels: Array.from({ length: 100_000 }, (_, i) => String(i)),
                series: [{ name: 'x', values: Array.from({ length: 100_000 }, (_, i) => i) }],
              },
            ],
          },
        ],
      }),
    },
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'chart:crowded',
    where: /\/sections\/0\/figures\/0\/labels/,
  },
  {
    name: '500 figures past --max-pages 10 stop before any chart is drawn',
    files: {
      'd.json': JSON.stringify({
        ...(JSON.parse(json) as object),
        sections: [
          {
            title: '一',
            paragraphs: ['正文。'],
            figures: Array.from({ length: 500 }, (_, i) => ({
              type: 'bar',
              title: `图${i}`,
              labels: ['a', 'b'],
              series: [{ name: 'x', values: [1, i] }],
            })),
          },
        ],
      }),
    },
    args: ['--data', 'd.json', '--max-pages', '10', '--time-limit', '20'],
    code: 1,
    diagnostic: 'limit:pages',
  },
  {
    name: 'a named pipe (FIFO) as the data file',
    files: {},
    prepare: (dir) => void spawnSync('mkfifo', [path.join(dir, 'd.yaml')]),
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'data:unreadable',
    where: /d\.yaml/,
  },
  {
    name: '/dev/zero as the data file',
    files: {},
    args: ['--data', '/dev/zero'],
    code: 1,
    diagnostic: 'data:unreadable',
    where: /\/dev\/zero/,
  },
  {
    name: 'a data file over --max-data-mb',
    files: { 'd.yaml': sample + `# ${'x'.repeat(2 * 2 ** 20)}\n` },
    args: ['--data', 'd.yaml', '--max-data-mb', '1'],
    code: 1,
    diagnostic: 'limit:data-size',
    where: /d\.yaml/,
  },
  {
    name: 'YAML merge keys are merged',
    files: {
      'd.yaml': sample.replace(
        'byline:\n  label: 本报记者\n',
        'staff: &staff\n  label: 本报记者\nbyline:\n  <<: *staff\n',
      ),
    },
    pack: { 'schema.json': schemaAllowing('staff') },
    args: ['--data', 'd.yaml'],
    code: 0,
  },
  {
    name: 'an integer beyond 2^53',
    files: { 'd.yaml': sample.replace('  afterSection: 4', '  afterSection: 12345678901234567890') },
    args: ['--data', 'd.yaml'],
    code: 1,
    diagnostic: 'data:unsafe-integer',
    where: /d\.yaml:127:\d+ \/pullQuote\/afterSection/,
  },
  {
    name: 'a temporary file left by a killed build is removed by the next; a live one is kept',
    files: {
      'd.json': json,
      // pid 4194305 is above Linux's largest pid: no process has it. The test's own process is alive.
      '.out.pdf.4194305.0a1b2c3d.tmp': 'x'.repeat(100_000),
      [`.out.pdf.${process.pid}.0a1b2c3d.tmp`]: 'x',
    },
    args: ['--data', 'd.json'],
    code: 0,
    after: (dir) =>
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([
        `.out.pdf.${process.pid}.0a1b2c3d.tmp`,
      ]),
  },
  {
    name: 'an object printed as text',
    files: { 'd.json': json },
    pack: {
      'partials/masthead.hbs': readFileSync(
        path.join(root, 'templates/annual-briefing/partials/masthead.hbs'),
        'utf8',
      ).replace('<kicker>{{kicker}}</kicker>', '<kicker>{{byline}}</kicker>'),
    },
    args: ['--data', 'd.json'],
    code: 1,
    diagnostic: 'template:object-as-text',
    where: /partials\/masthead\.hbs:2:9/,
  },
  { name: 'usage error', files: {}, args: ['--data', 'd.yaml', '--colour'], code: 2 },
];

describe('the bad-input catalogue: a diagnostic with its place, exit 1, nothing written', () => {
  for (const c of CASES)
    it(c.name, async () => {
      const dir = tempTree(c.files ?? {});
      cpSync(path.join(root, 'templates/annual-briefing'), path.join(dir, 'pack'), { recursive: true });
      for (const [f, text] of Object.entries(c.pack ?? {})) writeFileSync(path.join(dir, 'pack', f), text);
      c.prepare?.(dir);
      let code = 0;
      let stdout = '';
      const out = c.out ?? 'out.pdf';
      try {
        ({ stdout } = await run(
          process.execPath,
          [cli, 'build', 'pack', '--out', out, '--format', 'json', ...c.args],
          { cwd: dir, maxBuffer: 1 << 24 },
        ));
      } catch (e) {
        ({ code, stdout } = e as { code: number; stdout: string });
      }
      expect(code).toBe(c.code);
      const file = path.join(dir, out);
      expect(existsSync(file) && statSync(file).isFile()).toBe(c.code === 0);
      c.after?.(dir);
      if (!c.diagnostic) return;
      const result = JSON.parse(stdout) as {
        diagnostics: { code: string; file?: string; line?: number; column?: number; pointer?: string }[];
      };
      const d = result.diagnostics.find((x) => x.code === c.diagnostic);
      expect(d, JSON.stringify(result.diagnostics)).toBeDefined();
      if (c.where) expect(`${d!.file}:${d!.line}:${d!.column} ${d!.pointer ?? ''}`).toMatch(c.where);
    });
});

describe('output failures are diagnostics, never internal errors', () => {
  it('names every file-system failure with the path and a fix', () => {
    const cases: [string, string][] = [
      ['EISDIR', 'output:is-directory'],
      ['ENOTDIR', 'output:not-a-folder'],
      ['EACCES', 'output:permission'],
      ['EROFS', 'output:read-only'],
      ['ENOSPC', 'output:disk-full'],
      ['EDQUOT', 'output:disk-full'],
      ['EIO', 'output:io'],
    ];
    for (const [errno, code] of cases) {
      const d = outputDiagnostic('/srv/out/a.pdf', Object.assign(new Error(errno), { code: errno }));
      expect(d?.code, errno).toBe(code);
      expect(d?.place?.file).toBe('/srv/out/a.pdf');
      expect(d?.hint).toBeTruthy();
    }
    // Not the file system's: a bug, left to the caller to report as one.
    expect(outputDiagnostic('/a.pdf', new TypeError('x'))).toBeUndefined();
  });

  // A read-only and a full file system, mounted in a private mount namespace (no root needed where the
  // kernel allows user namespaces): the build must say so, exit 1, and leave no file or temporary file.
  const canMount =
    spawnSync('unshare', ['-rm', 'sh', '-c', 'mount -t tmpfs -o size=64k tmpfs /mnt'], { stdio: 'ignore' })
      .status === 0;
  for (const [what, options, code] of [
    ['read-only', 'ro,size=1m', 'output:read-only'],
    ['full', 'size=8k', 'output:disk-full'],
  ] as const)
    it.skipIf(!canMount)(`on a ${what} file system: ${code}, exit 1, nothing left behind`, () => {
      const dir = tempTree({ 'd.json': json, 'mnt/.keep': '' });
      const r = spawnSync(
        'unshare',
        [
          '-rm',
          'sh',
          '-c',
          `mount -t tmpfs -o ${options} tmpfs mnt && "$0" "$1" build "$2" --data d.json --out mnt/a.pdf --format json; code=$?; ls -A mnt >&2; exit $code`,
          process.execPath,
          cli,
          path.join(root, 'templates/annual-briefing'),
        ],
        { cwd: dir, encoding: 'utf8' },
      );
      expect(r.status, r.stderr).toBe(1);
      const out = JSON.parse(r.stdout) as { diagnostics: { code: string; file?: string }[] };
      expect(out.diagnostics.map((d) => d.code)).toEqual([code]);
      expect(out.diagnostics[0]!.file).toBe('mnt/a.pdf');
      expect(r.stderr.trim()).toBe(''); // the mount held no file, not even a temporary one
      expect(readdirSync(path.join(dir, 'mnt'))).toEqual(['.keep']);
    });
});
