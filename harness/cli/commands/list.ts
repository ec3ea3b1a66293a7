// Placeholder: replaced by the real 'list' command.
import { EXIT, type CliIO, type CommandModule } from '../io.js';

export const command: CommandModule = {
  summary: '(list: not implemented yet)',
  run(_argv: string[], io: CliIO): Promise<number> {
    io.stderr.write('harness list: not implemented yet\n');
    return Promise.resolve(EXIT.usage);
  },
};
