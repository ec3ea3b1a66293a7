// `harness validate [paths...]`: check scenario files (every problem, with file:line:column), the
// config file, and the configured targets' options, without running anything. Exit 0 valid, 2 not.
import { formatIssue } from '../../errors.js';
import { checkScenarios } from '../../scenario/index.js';
import { checkTarget } from '../../targets/index.js';
import { COMMON_OPTIONS, formatHelp, getFlag, reportError, type OptionTable } from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';
import { loadCommandConfig, parseOrHelp } from '../shared.js';

const OPTIONS: OptionTable = {
  json: { type: 'boolean', description: 'print {files, scenarios, issues} as JSON' },
  ...COMMON_OPTIONS,
};

const HELP = formatHelp(
  'harness validate [paths...] [options]',
  'Check scenario files (default: the config paths, else scenarios/), the config file and its targets, without running.',
  OPTIONS,
  'Exit codes: 0 everything is valid, 2 a problem was found (each is listed as file:line:column).',
);

async function validate(argv: string[], io: CliIO): Promise<number> {
  try {
    const parsed = parseOrHelp('validate', argv, OPTIONS, HELP, io);
    if (parsed === undefined) return EXIT.ok;
    const { values } = parsed;
    const config = await loadCommandConfig(parsed, io);
    const targetProblems: string[] = [];
    for (const name of Object.keys(config.targets)) {
      await checkTarget(name, { cwd: io.cwd, config }).catch((error: unknown) => {
        targetProblems.push(
          `${config.configFile ?? 'config'}: target '${name}': ${(error as Error).message}`,
        );
      });
    }
    const { scenarios, issues, files } = await checkScenarios(config.paths, {
      cwd: io.cwd,
      targets: Object.keys(config.targets),
    });
    const problems = [...targetProblems, ...issues.map(formatIssue)];
    if (getFlag(values, 'json')) {
      const output = { files, scenarios: scenarios.map((scenario) => scenario.name), issues, targetProblems };
      io.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
    } else if (problems.length > 0) {
      io.stderr.write(`${problems.join('\n')}\n`);
      io.stderr.write(`\n${plural(problems.length, 'problem')} (${plural(files.length, 'file')} checked)\n`);
    } else {
      io.stdout.write(`${plural(scenarios.length, 'scenario')} in ${plural(files.length, 'file')}: valid\n`);
    }
    return problems.length > 0 ? EXIT.usage : EXIT.ok;
  } catch (error) {
    return reportError('validate', error, io.stderr);
  }
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

export const command: CommandModule = {
  summary: 'check scenario files and the config without running them',
  run: validate,
};
