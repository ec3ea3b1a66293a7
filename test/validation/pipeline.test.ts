// The one validation pipeline (YAML → line:column → schema → issue) that scenarios, the config file,
// deviations, coverage exclusions and network profiles share.
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import {
  checkDocument,
  checkValue,
  formatIssue,
  formatPath,
  parseYaml,
} from '../../harness/validation/index.js';

const Item = Type.Object(
  { id: Type.String(), size: Type.Optional(Type.Integer({ minimum: 1 })) },
  { additionalProperties: false },
);
const List = Type.Object({ items: Type.Array(Item) }, { additionalProperties: false });

describe('validation pipeline', () => {
  it('locates every schema problem at line:column with a field path', () => {
    const text = 'items:\n  - id: a\n    size: 0\n  - id: 3\n    colour: red\n';
    const { value, issues } = checkDocument(text, 'f.yaml', List);
    expect(value).toBeUndefined();
    expect(issues.map(formatIssue).sort()).toEqual([
      'f.yaml:3:11: items[0].size: must be >= 1',
      'f.yaml:4:9: items[1].id: must be string',
      "f.yaml:5:5: items[1].colour: unknown key 'colour' (allowed: id, size)",
    ]);
  });

  it('hands back the value, typed by the schema, when there is no problem', () => {
    const { value, issues } = checkDocument('items: [{ id: a, size: 2 }]\n', 'f.yaml', List);
    expect(issues).toEqual([]);
    expect(value?.items[0]?.size).toBe(2);
  });

  it('an empty file: a problem, or the value it stands for', () => {
    expect(checkDocument('', 'e.yaml', List).issues.map(formatIssue)).toEqual(['e.yaml:1:1: empty file']);
    expect(checkDocument('# nothing\n', 'e.yaml', List, { empty: { items: [] } }).value).toEqual({
      items: [],
    });
  });

  it('YAML errors: with their position; described by kind only when the file may be anything', () => {
    const text = 'name: x\nsecret: "pw\\qhunter2"\n';
    expect(parseYaml(text, 'y.yaml').issues.map(formatIssue)).toEqual([
      'y.yaml:2:12: YAML: Invalid escape sequence \\q',
    ]);
    const quiet = parseYaml(text, 'y.yaml', { quote: false }).issues.map(formatIssue);
    expect(quiet).toEqual(['y.yaml:2:12: YAML: syntax error (bad dq escape)']);
  });

  it('a key not to be repeated is located but not shown', () => {
    const text = 'items: []\n"root:$6$salt$hash:19000:0::":\n';
    const { issues } = checkDocument(text, 'f.yaml', List, { showKey: (key) => /^\w+$/.test(key) });
    expect(issues.map(formatIssue)).toEqual(['f.yaml:2:1: unknown key (allowed: items)']);
  });

  it('many aliases are a problem, not a hang', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const name of ['b', 'c', 'd', 'e', 'f']) {
      const previous = String.fromCharCode(name.charCodeAt(0) - 1);
      bomb.push(`${name}: &${name} [${Array(10).fill(`*${previous}`).join(', ')}]`);
    }
    expect(parseYaml(bomb.join('\n'), 'b.yaml').issues.map(formatIssue)).toEqual([
      'b.yaml:1:1: YAML: too many aliases expanded',
    ]);
  });

  it('values without text (a .js config, options in code) get paths without positions', () => {
    const checked = checkValue(Item, { id: 'a', size: 'big', extra: 1 }, { at: ['options'] });
    expect(checked.issues.map(formatIssue)).toEqual([
      "options.extra: unknown key 'extra' (allowed: id, size)",
      'options.size: must be integer',
    ]);
    expect(formatPath(['steps', 2, 'connect', 'keepAlive'])).toBe('steps[2].connect.keepAlive');
    expect(formatPath(['statements', '3.1.1', 0])).toBe('statements["3.1.1"][0]');
  });
});
