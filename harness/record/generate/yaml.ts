// The generated scenario as YAML text: the header as the file's first comment, one step per item
// in flow style when it fits on a line (also inside `parallel` branches), each note as a comment
// above its step.
import { Document, isMap, isSeq, type Node, type YAMLSeq } from 'yaml';
import type { GeneratedStep } from './phases.js';
import type { GeneratedScenario } from './scenario.js';

const FLOW_WIDTH = 110;

export function renderScenarioYaml(generated: GeneratedScenario): string {
  const doc = new Document({ ...generated.head, steps: generated.steps.map((entry) => entry.step) });
  doc.commentBefore = comment(generated.header.join('\n'));
  const steps = doc.get('steps', true);
  if (isSeq(steps)) shapeSteps(steps, generated.steps);
  const clients = doc.get('clients', true);
  if (isMap(clients)) for (const pair of clients.items) compact(pair.value as Node | null, 0);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: true });
}

function shapeSteps(seq: YAMLSeq, entries: readonly GeneratedStep[]): void {
  seq.items.forEach((item, i) => {
    const entry = entries[i];
    if (!isMap(item) || entry === undefined) return;
    if (entry.note !== undefined) item.commentBefore = comment(entry.note);
    const value = item.items[0]?.value;
    if (entry.branches !== undefined && isSeq(value)) {
      value.items.forEach((branch, b) => {
        const given = entry.branches?.[b];
        if (isSeq(branch) && given !== undefined) shapeSteps(branch, given);
      });
      return;
    }
    compact(value as Node | null, JSON.stringify(entry.step).length);
  });
}

/** Flow style for a step's body when it fits on a line; else for each of its fields. */
function compact(node: Node | null, length: number): void {
  if (!isMap(node) && !isSeq(node)) return;
  if (length <= FLOW_WIDTH) {
    node.flow = true;
    return;
  }
  if (isMap(node)) {
    for (const pair of node.items) if (isMap(pair.value) || isSeq(pair.value)) pair.value.flow = true;
  }
}

function comment(text: string): string {
  return text
    .split('\n')
    .map((line) => ` ${line}`)
    .join('\n');
}
