// Placeholder: replaced by the real 'merge' command.
import { EXIT, type CliIO, type CommandModule } from '../io.js';

export const command: CommandModule = {
  summary: '(merge: not implemented yet)',
  run(_argv: string[], io: CliIO): Promise<number> {
    io.stderr.write('harness merge: not implemented yet\n');
    return Promise.resolve(EXIT.usage);
  },
};
