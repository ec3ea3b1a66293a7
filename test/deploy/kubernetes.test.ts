// The Kubernetes manifests (deploy/kubernetes/) validate offline against the API schema
// (kubernetes-models), and say what sharding needs: an Indexed Job whose completions, parallelism
// and --shards agree, a run id shared by its pods, the scenario from the ConfigMap, results on the
// shared volume that the merge step reads.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Service } from 'kubernetes-models/v1/Service';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../harness/scenario/index.js';

const DIR = fileURLToPath(new URL('../../deploy/kubernetes/', import.meta.url));
type Manifest = { apiVersion: string; kind: string; metadata: { name: string } } & Record<string, unknown>;

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'apps/v1 Deployment': Deployment,
  'batch/v1 Job': Job,
  'v1 ConfigMap': ConfigMap,
  'v1 PersistentVolumeClaim': PersistentVolumeClaim,
  'v1 Service': Service,
};

const manifests: Manifest[] = readdirSync(DIR)
  .filter((file) => file.endsWith('.yaml'))
  .flatMap((file) =>
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8')).map((document) => document.toJS() as Manifest),
  );

function byName(kind: string, name: string): Manifest {
  const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found;
}

describe('deploy/kubernetes', () => {
  it('every manifest validates against the Kubernetes API schema', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(6);
    for (const manifest of manifests) {
      const Model = MODELS[`${manifest.apiVersion} ${manifest.kind}`];
      expect(Model, `${manifest.apiVersion} ${manifest.kind} has a model`).toBeDefined();
      expect(() => new Model!(manifest as never).validate()).not.toThrow();
    }
  });

  it('a broken manifest does not validate (the check can fail)', () => {
    const job = structuredClone(byName('Job', 'harness-shards')) as unknown as {
      spec: Record<string, unknown>;
    };
    job.spec['completions'] = 'four';
    expect(() => new Job(job as never).validate()).toThrow(/completions/);
  });

  it('runs N shards as an Indexed Job whose pods share a run id and write to the shared volume', () => {
    const job = byName('Job', 'harness-shards') as unknown as {
      spec: {
        completionMode: string;
        completions: number;
        parallelism: number;
        template: {
          spec: {
            containers: {
              args: string[];
              env: { name: string }[];
              volumeMounts: { name: string; mountPath: string }[];
            }[];
            volumes: {
              name: string;
              configMap?: { name: string };
              persistentVolumeClaim?: { claimName: string };
            }[];
          };
        };
      };
    };
    const { spec } = job;
    expect(spec.completionMode).toBe('Indexed');
    expect(spec.parallelism).toBe(spec.completions);
    const container = spec.template.spec.containers[0]!;
    const args = container.args;
    expect(args[args.indexOf('--shards') + 1]).toBe(String(spec.completions));
    expect(args[args.indexOf('--output-dir') + 1]).toBe('/results/shard-$(JOB_COMPLETION_INDEX)');
    expect(container.env.map((e) => e.name)).toContain('HARNESS_RUN_ID');
    const volumes = spec.template.spec.volumes;
    expect(volumes.find((v) => v.name === 'scenario')?.configMap?.name).toBe('harness-scenario');
    const claim = volumes.find((v) => v.name === 'results')?.persistentVolumeClaim?.claimName;
    byName('PersistentVolumeClaim', claim!);
    const target = args[args.indexOf('--target') + 1]!;
    const service = byName('Service', new URL(target).hostname) as unknown as {
      spec: { ports: { port: number }[] };
    };
    expect(service.spec.ports.map((p) => p.port)).toContain(Number(new URL(target).port));
    const merge = JSON.stringify(byName('Job', 'harness-merge'));
    expect(merge).toContain('harness merge /results/shard-*/results.json');
  });

  it('the ConfigMap holds a valid load scenario', () => {
    const configMap = byName('ConfigMap', 'harness-scenario') as unknown as { data: Record<string, string> };
    const { scenario, issues } = parseScenario(configMap.data['load.yaml']!, 'load.yaml');
    expect(issues).toEqual([]);
    expect(scenario?.load?.executor).toBe('constant-arrival-rate');
  });
});
