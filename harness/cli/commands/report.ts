// Placeholder: replaced by the real 'report' command.
import { EXIT, type CliIO, type CommandModule } from '../io.js';

export const command: CommandModule = {
  summary: '(report: not implemented yet)',
  run(_argv: string[], io: CliIO): Promise<number> {
    io.stderr.write('harness report: not implemented yet\n');
    return Promise.resolve(EXIT.usage);
  },
};
