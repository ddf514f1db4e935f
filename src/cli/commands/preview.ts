import { command, EPILOGUE, EXIT } from '../command.js';
import { fontsConfig, inputs } from '../options.js';

/** `briefing preview`: a live preview server that rebuilds on change, until SIGINT/SIGTERM. */
export const previewCommand = command({
  command: 'preview <template-dir>',
  describe: 'serve a live preview on 127.0.0.1 that rebuilds when the pack, the data or the fonts change',
  builder: (y) =>
    inputs(y)
      .option('port', {
        alias: 'p',
        type: 'number',
        default: 4173,
        describe: 'port on 127.0.0.1 (0: any free port)',
      })
      .option('editor', {
        type: 'string',
        describe:
          'link the page opens a place with: a URL with {path}, {line} and {column} (default VS Code), or none',
      })
      .example('$0 preview templates/my-briefing --data data/2024.yaml', 'then open the address it prints')
      .epilogue(EPILOGUE),
  handler: async (args) => {
    const { startPreview } = await import('../../preview/server.js');
    const { BuildFailure } = await import('../../diagnostics/diagnostic.js');
    const { formatDiagnostic } = await import('../../diagnostics/format.js');
    let preview;
    try {
      preview = await startPreview({
        templateDir: args['template-dir'],
        dataFile: args.data,
        ...fontsConfig(args.fonts),
        port: args.port,
        ...(args.editor !== undefined ? { editor: args.editor } : {}),
        log: (line) => process.stderr.write(`${line}\n`),
      });
    } catch (e) {
      if (!(e instanceof BuildFailure)) throw e;
      for (const d of e.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
      return EXIT.inputError;
    }
    process.stdout.write(`preview at ${preview.url} (Ctrl-C to stop)\n`);
    await new Promise<void>((resolve) => {
      const stop = () => void preview.close().then(resolve);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    return EXIT.built;
  },
});
