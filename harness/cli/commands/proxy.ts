// Placeholder: replaced by the real 'proxy' command.
import { EXIT, type CliIO, type CommandModule } from '../io.js';

export const command: CommandModule = {
  summary: '(proxy: not implemented yet)',
  run(_argv: string[], io: CliIO): Promise<number> {
    io.stderr.write('harness proxy: not implemented yet\n');
    return Promise.resolve(EXIT.usage);
  },
};
