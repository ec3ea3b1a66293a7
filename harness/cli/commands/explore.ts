// `harness explore -t TARGET [--mqtt 5.0] [--seed N] [--budget 60s] [--profile NAME] [--out DIR]`: generated client
// sessions against one target, each checked against the broker model (harness/model/); the first
// disagreement is shrunk and written as a scenario, which is then replayed (up to three times until
// one fails). Exit 0 when nothing was found, 1 when a scenario was written (its YAML is printed too),
// also when no replay reproduced it (inconclusive) unless --inconclusive warn; 2 bad input.
// See docs/explore.md.
import { parseDuration } from '../../load/index.js';
import { MQTT_VERSIONS, type MqttVersion } from '../../vocabulary.js';
import {
  COMMON_OPTIONS,
  formatHelp,
  getFlag,
  getInteger,
  getString,
  reportError,
  UsageError,
  type OptionTable,
} from '../args.js';
import { EXIT, type CliIO, type CommandModule } from '../io.js';
import { loadCommandConfig, parseOrHelp } from '../shared.js';
import { inconclusiveMode } from './run.js';

const OPTIONS: OptionTable = {
  target: {
    type: 'string',
    short: 't',
    value: 'SPEC',
    description:
      'the broker to explore: reference, mosquitto, aedes, ..., a URL or a configured name (default: reference)',
  },
  mqtt: {
    type: 'string',
    value: 'VERSION',
    description: 'MQTT version of the sessions: 3.1.1 (default) or 5.0',
  },
  seed: { type: 'string', value: 'N', description: 'seed of the generator (default: random, printed)' },
  budget: { type: 'string', value: 'TIME', description: 'how long to search (default 60s)' },
  'shrink-budget': {
    type: 'string',
    value: 'TIME',
    description: 'how long to shrink a finding (default 60s)',
  },
  out: { type: 'string', value: 'DIR', description: 'folder for found scenarios (default scenarios/found)' },
  grace: { type: 'string', value: 'MS', description: 'how long a reply or delivery may take (default 400)' },
  profile: {
    type: 'string',
    value: 'NAME',
    description:
      'start the target with a profile the model knows: default, acl (users and an ACL), maximum-qos-1 (5.0)',
  },
  'no-replay': { type: 'boolean', description: 'do not replay the written scenario' },
  inconclusive: {
    type: 'string',
    value: 'fail|warn',
    description:
      'a disagreement that none of three replays reproduces (timing on a busy machine, or a race) fails (default) or only warns',
  },
  json: { type: 'boolean', description: 'print the report as JSON' },
  ...COMMON_OPTIONS,
};

const HELP = formatHelp(
  'harness explore -t TARGET [options]',
  'Run generated client sessions against the target and check every observation against the broker model.\n' +
    'The first disagreement (not a known deviation of the target) is shrunk to a minimal session, written as a\n' +
    'scenario naming the broken statements and the seed, and replayed with the runner. See docs/explore.md.',
  OPTIONS,
  'Exit codes: 0 no disagreement, 1 a disagreement was found (scenario written; also when no replay reproduced it,\n' +
    'unless --inconclusive warn), 2 invalid input, 3 internal error.',
);

function duration(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0 || /^\s*[\d.]+\s*$/.test(text))
    throw new UsageError(`harness explore: --${name} needs a duration with a unit (30s, 2m), got '${text}'`);
  return ms;
}

async function exploreCommand(argv: string[], io: CliIO): Promise<number> {
  try {
    const parsed = parseOrHelp('explore', argv, OPTIONS, HELP, io);
    if (parsed === undefined) return EXIT.ok;
    const { values } = parsed;
    if (parsed.positionals.length > 0)
      throw new UsageError(`harness explore: unexpected argument '${parsed.positionals[0] ?? ''}'`);
    const mqtt = getString(values, 'mqtt') ?? '3.1.1';
    if (!(MQTT_VERSIONS as readonly string[]).includes(mqtt))
      throw new UsageError(`harness explore: --mqtt must be 3.1.1 or 5.0, got '${mqtt}'`);
    const seed = getInteger('explore', values, 'seed', -2147483648) ?? Math.floor(Math.random() * 2 ** 31);
    const budgetMs = duration('budget', getString(values, 'budget'), 60_000);
    const shrinkBudgetMs = duration('shrink-budget', getString(values, 'shrink-budget'), 60_000);
    const graceMs = getInteger('explore', values, 'grace', 1);
    const config = await loadCommandConfig(parsed, io);
    const target = getString(values, 'target') ?? 'reference';
    const outDir = getString(values, 'out');
    const inconclusive = inconclusiveMode('explore', values);
    const { runExplore, exploreOutcome, profileOf, PROFILE_NAMES } = await import('../../explore/index.js');
    const profileName = getString(values, 'profile') ?? 'default';
    const profile = profileOf(profileName);
    if (profile === undefined)
      throw new UsageError(
        `harness explore: --profile must be one of ${PROFILE_NAMES.join(', ')}, got '${profileName}'`,
      );
    if (!profile.versions.includes(mqtt as MqttVersion))
      throw new UsageError(
        `harness explore: --profile ${profileName} is for MQTT ${profile.versions.join(', ')}`,
      );
    const json = getFlag(values, 'json') === true;
    if (!json)
      io.stderr.write(
        `explore: ${target}${profile.name !== 'default' ? ` (profile ${profile.name})` : ''}, MQTT ${mqtt}, seed ${seed}, budget ${budgetMs / 1000} s\n`,
      );
    const report = await runExplore({
      target,
      version: mqtt as MqttVersion,
      seed,
      budgetMs,
      shrinkBudgetMs,
      ...(graceMs !== undefined && { graceMs }),
      ...(outDir !== undefined && { outDir }),
      replay: getFlag(values, 'no-replay') !== true,
      cwd: io.cwd,
      config,
      signal: io.signal,
      ...(profile.settings !== undefined && { profile }),
    });
    if (json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(renderReport(report));
    const outcome = exploreOutcome(report);
    if (outcome === 'clean') return EXIT.ok;
    return outcome === 'not-reproduced' && inconclusive === 'warn' ? EXIT.ok : EXIT.failed;
  } catch (error) {
    return reportError('explore', error, io.stderr);
  }
}

function renderReport(
  report: Awaited<ReturnType<typeof import('../../explore/index.js').runExplore>>,
): string {
  const lines = [
    `${report.sessions} sessions, ${report.actions} actions in ${(report.elapsedMs / 1000).toFixed(1)} s against ${report.target} (MQTT ${report.version}, seed ${report.seed})`,
  ];
  const known = Object.entries(report.rediscovered);
  if (known.length > 0)
    lines.push(
      `known deviations seen again (not reported): ${known.map(([id, n]) => `${id} ×${n}`).join(', ')}`,
    );
  const finding = report.finding;
  if (finding === undefined) {
    lines.push('no disagreement with the model');
    return `${lines.join('\n')}\n`;
  }
  const d = finding.disagreement;
  lines.push(
    `DISAGREEMENT: rule '${d.rule}' [${d.statements.join(', ')}]: ${d.message}`,
    `shrunk from ${finding.original.actions.length} to ${finding.session.actions.length} actions (${finding.shrinkRuns} runs)`,
  );
  if (report.scenario !== undefined) lines.push(`scenario: ${report.scenario.file}`);
  const replay = report.replay;
  if (replay !== undefined && replay.verdict === 'passed')
    lines.push(
      `replay on ${report.target}: passed ${replay.runs} of ${replay.runs} times: NOT REPRODUCED, inconclusive ` +
        '(timing on a busy machine, or a race; raise --grace to tell them apart)',
    );
  else if (replay !== undefined)
    lines.push(
      `replay on ${report.target}: ${replay.verdict}${replay.runs > 1 ? ` (replay ${replay.runs})` : ''}${replay.failure !== undefined ? ` (${replay.failure})` : ''}`,
    );
  if (report.scenario !== undefined) lines.push('', report.scenario.yaml);
  return `${lines.join('\n')}\n`;
}

export const command: CommandModule = {
  summary:
    'generate client sessions, check them against the broker model, shrink a disagreement to a scenario',
  run: exploreCommand,
};
