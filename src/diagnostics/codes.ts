/**
 * Every diagnostic code Briefing reports, `stage:rule`, with what it means: codes are stable (scripts and CI match
 * on them), so each is declared here once and `error()`/`warning()` take only these (a typo is a type error).
 * docs/reliability.md explains what the user sees for the hostile and broken inputs among them.
 */
export const CODES = {
  // Data files
  'data:unreadable': 'the data file cannot be read (missing, a folder, no permission)',
  'data:encoding': 'the data file is not UTF-8',
  'data:syntax': 'the data file is not valid YAML or JSON',
  'data:control-character': 'a control character in a text value',
  'data:ill-formed-text': 'a lone surrogate or a noncharacter in a value or key',
  'data:unsafe-integer':
    'an integer too large to keep exactly (beyond 2^53), which would silently lose digits',
  'data:type-mismatch': 'a value of the wrong type for the schema',
  'data:missing-field': 'a field the schema requires is missing',
  'data:unknown-field': 'a field the schema does not know (often misspelt)',
  'data:enum': 'a value outside the schema\u2019s list of allowed values',
  'data:format': 'a value in the wrong format (a date, say)',
  'data:constraint': 'a value outside the schema\u2019s limits (length, range, pattern)',
  'data:invalid': 'a value the template cannot use ({{dataError}})',
  // Tables the data refers to ({ $csv: … }, { $xlsx: … }: src/tables/)
  'data:table-reference':
    'a table reference with a wrong or unknown option (encoding, delimiter, sheet, range)',
  'data:table-unreadable': 'a table file that does not exist, is not a regular file or cannot be read',
  'data:table-outside':
    'a table path that leads outside the data file\u2019s folder (or a worker\u2019s folders)',
  'data:table-too-large': 'a table file, workbook or table over the size limits',
  'data:table-encoding': 'a CSV file with bytes that are not in its (declared or detected) encoding',
  'data:table-syntax': 'a CSV file that is not well formed, or a workbook that is not an XLSX file',
  'data:table-sheet': 'a workbook without the sheet asked for',
  'data:table-header':
    'a table header that does not match the schema\u2019s fields (misspelt, missing, twice)',
  'data:table-number': 'a table cell that should be a number and is not one',
  'data:table-cell': 'a workbook cell with an error value (#DIV/0!) or a formula without a saved result',
  'preview:port': 'the preview cannot listen on its port (in use, or not allowed)',
  'preview:editor': 'the preview --editor link is no URL, or one that runs code (javascript:, data:)',
  // Template packs and templates
  'template:pack-missing': 'the template pack folder does not exist',
  'template:missing': 'the pack has no template.hbs',
  'template:outside-pack': 'a file of the pack leads outside it (a symbolic link)',
  'template:syntax': 'a Handlebars syntax error',
  'template:undefined': 'the template names a field the data does not have',
  'template:unknown-helper': 'the template calls a helper that does not exist',
  'template:missing-partial': 'the template includes a partial that does not exist',
  'template:object-as-text':
    'a {{value}} that is an object or a list, which would print as "[object Object]"',
  'template:recursion': 'a partial includes itself',
  'template:unescaped': 'the template outputs data unescaped ({{{…}}})',
  'template:helper': 'a helper was given a value it cannot use',
  'template:render': 'the template failed to render',
  // The pack's schema
  'schema:syntax': 'schema.json is not valid JSON',
  'schema:invalid': 'schema.json is not a valid JSON Schema',
  // Markup
  'markup:syntax': 'the rendered markup is not well formed (a tag never closed, say)',
  'markup:root': 'the markup does not start with <briefing>',
  'markup:unknown-element': 'an element Briefing does not know',
  'markup:unknown-attribute': 'an attribute the element does not take',
  'markup:missing-attribute': 'an attribute the element needs is missing',
  'markup:attribute-value': 'an attribute\u2019s value is not one it takes',
  'markup:misplaced': 'an element where it may not stand',
  'markup:stray-text': 'text where only elements may stand',
  'markup:table-span':
    'a table cell\u2019s rowspan or colspan runs past the table\u2019s edge or over another cell',
  // Images (<image src=… alt=…>: src/images/)
  'image:missing': 'an <image> file that does not exist in the template pack, or is not a regular file',
  'image:outside-pack':
    'an <image> path that leads outside the template pack (absolute, .., or a symbolic link out)',
  'image:format': 'an <image> file that is not PNG, JPEG or SVG (or is damaged)',
  'image:too-large': 'an <image> file or its pixel dimensions over the limits',
  'image:too-wide': 'an <image> wider than its column: set at the column\u2019s width instead',
  // Theme
  'theme:unknown-key': 'a theme key Briefing does not know (ignored)',
  'theme:type-mismatch': 'a theme value of the wrong type',
  'theme:out-of-range': 'a theme value outside its range',
  'theme:page': 'the page is too small for the body size and margins, or its size is unknown',
  'theme:page-size': 'an unknown page size',
  'theme:color': 'a colour that is neither a palette name nor a hex colour',
  'theme:unknown-font': 'the theme sets text in a family the font configuration does not define',
  'theme:chart-dpi': 'PNG charts at a resolution too low for print',
  'theme:chart-greyscale': 'chart colours that look alike printed in greyscale',
  // Fonts
  'font:config-missing': 'the font configuration file does not exist',
  'font:no-families': 'the font configuration defines no family',
  'font:file-missing': 'a font file of the configuration does not exist',
  'font:unreadable': 'a font file cannot be read as a font',
  'font:collection': 'a font collection (.ttc), which canvas would read wrongly',
  'font:outside': 'a font path outside the fonts folder and the installed font packages',
  'font:unknown-family': 'a fallback or per-language family (fonts.yaml) the configuration does not define',
  'font:pack-family':
    'a family of a pack\u2019s fonts/fonts.yaml with the name of one Briefing\u2019s fonts define',
  'font:pack-undeclared':
    'font files in a pack\u2019s fonts/ folder without a fonts/fonts.yaml declaring them',
  'font:missing-glyph': 'a character no configured font has (it would print as an empty box)',
  // Charts
  'chart:data-missing': 'a figure points at data that is not there',
  'chart:unknown-type': 'an unknown chart type',
  'chart:unknown-key': 'a key a figure or series does not take',
  'chart:title': 'a figure without a usable title',
  'chart:labels': 'a figure without usable labels',
  'chart:series': 'a figure without usable series',
  'chart:series-type': 'a series type the chart type does not take',
  'chart:length-mismatch': 'a series with more or fewer values than labels',
  'chart:not-a-number': 'a chart value that is not a finite number',
  'chart:value-range': 'a chart value too large to draw (beyond ±1e15)',
  'chart:negative': 'a negative value where a chart cannot show one (a pie)',
  'chart:empty': 'a chart with nothing to draw',
  'chart:axis': 'a figure\u2019s axis settings are not usable',
  'chart:combo': 'a combo chart without bars and lines',
  'chart:crowded': 'too many labels or series for the chart\u2019s size',
  'chart:option': 'a chart option with a value it does not take',
  'chart:missing-glyph': 'a character the chart font lacks',
  'chart:render': 'the chart could not be drawn',
  // Page make-up
  'layout:overflow': 'something drawn outside its column or the type area, or over something else',
  'layout:headline-too-long': 'the headline does not fit on its lines even at its smallest size',
  'layout:kpi-too-wide': 'a KPI figure too wide for its cell even set smaller',
  'layout:too-tall': 'a block or figure taller than a column or page',
  'layout:foot-gap': 'a column that ends two or more lines short of its foot',
  'layout:balance': 'a last page whose columns could not be balanced within a line',
  'layout:keep': 'no column break obeyed the rules (heads with their text, no widows or orphans)',
  'layout:widow': 'a paragraph\u2019s last line alone at a column top',
  'layout:orphan': 'a paragraph\u2019s first line alone at a column foot',
  'layout:footnote-place':
    'a footnote where no column foot takes it (the lead): set in parentheses in the text',
  'layout:toc-pages':
    'a table of contents whose page numbers did not settle within the layout passes (they may be off by a page)',
  // Limits and output
  'build:pdf-standard': 'a PDF standard Briefing cannot declare (--pdf-standard)',
  'limit:pages': 'the document is longer than the page limit (--max-pages)',
  'limit:time': 'the build took longer than the time limit (--time-limit)',
  'limit:data-size': 'the data file is larger than the data size limit (--max-data-mb)',
  'limit:memory': 'the build used more memory than the memory limit (--max-memory-mb)',
  'output:is-directory': 'the output path is a folder',
  'output:not-a-folder': 'a folder of the output path is a file',
  'output:permission': 'no permission to write the output',
  'output:read-only': 'the output folder is on a read-only file system',
  'output:disk-full': 'no space left for the output',
  'output:name': 'the output path is too long',
  'output:io': 'the output could not be written (another file-system error)',
  // Batch, queue, init
  'batch:manifest-missing': 'the batch manifest does not exist',
  'batch:manifest': 'the batch manifest lacks a field it needs',
  'batch:period': 'a period that is not a month (YYYY-MM)',
  'batch:variable': 'an output or data pattern uses a variable the manifest does not define',
  'batch:output-outside': 'a report would be written outside the output folder',
  'batch:duplicate-output': 'two reports would write the same file',
  'queue:outside-roots': 'a queue job names a path outside the worker\u2019s folders',
  'queue:bad-job': 'a queue job without a build description',
  'init:exists': 'the folder for a new pack exists and is not empty',
  'init:unknown-pack': 'no built-in pack of that name',
  // Not the input's fault
  internal: 'a bug in Briefing (please report it)',
} as const;

/** A diagnostic code: `stage:rule`. */
export type Code = keyof typeof CODES;
