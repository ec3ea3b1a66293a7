// Placeholder: replaced by the real 'compare' command.
import { EXIT, type CliIO, type CommandModule } from '../io.js';

export const command: CommandModule = {
  summary: '(compare: not implemented yet)',
  run(_argv: string[], io: CliIO): Promise<number> {
    io.stderr.write('harness compare: not implemented yet\n');
    return Promise.resolve(EXIT.usage);
  },
};
