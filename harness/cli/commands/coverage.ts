// Placeholder: replaced by the real 'coverage' command.
import { EXIT, type CliIO, type CommandModule } from '../io.js';

export const command: CommandModule = {
  summary: '(coverage: not implemented yet)',
  run(_argv: string[], io: CliIO): Promise<number> {
    io.stderr.write('harness coverage: not implemented yet\n');
    return Promise.resolve(EXIT.usage);
  },
};
