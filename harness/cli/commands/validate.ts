// Placeholder: replaced by the real 'validate' command.
import { EXIT, type CliIO, type CommandModule } from '../io.js';

export const command: CommandModule = {
  summary: '(validate: not implemented yet)',
  run(_argv: string[], io: CliIO): Promise<number> {
    io.stderr.write('harness validate: not implemented yet\n');
    return Promise.resolve(EXIT.usage);
  },
};
