// Placeholder: replaced by the real 'bench' command.
import { EXIT, type CliIO, type CommandModule } from '../io.js';

export const command: CommandModule = {
  summary: '(bench: not implemented yet)',
  run(_argv: string[], io: CliIO): Promise<number> {
    io.stderr.write('harness bench: not implemented yet\n');
    return Promise.resolve(EXIT.usage);
  },
};
