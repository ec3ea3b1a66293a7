// Placeholder: replaced by the real 'run' command.
import { EXIT, type CliIO, type CommandModule } from '../io.js';

export const command: CommandModule = {
  summary: '(run: not implemented yet)',
  run(_argv: string[], io: CliIO): Promise<number> {
    io.stderr.write('harness run: not implemented yet\n');
    return Promise.resolve(EXIT.usage);
  },
};
