// Placeholder: replaced by the real 'broker' command.
import { EXIT, type CliIO, type CommandModule } from '../io.js';

export const command: CommandModule = {
  summary: '(broker: not implemented yet)',
  run(_argv: string[], io: CliIO): Promise<number> {
    io.stderr.write('harness broker: not implemented yet\n');
    return Promise.resolve(EXIT.usage);
  },
};
