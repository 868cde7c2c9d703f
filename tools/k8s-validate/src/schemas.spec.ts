import { type Manifest } from './kafka-resources';
import { renderOverlay } from './render';
import { modelProblems, strimziProblems, unknownFieldProblems } from './schemas';

// Each case breaks one object of the rendered prod overlay the way a hand edit would.
const rendered = renderOverlay('prod');
type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function broken(kind: string, edit: (m: Mutable) => void): Manifest[] {
  const manifests = structuredClone(rendered);
  edit(manifests.find((m) => m.kind === kind) as Mutable);
  return manifests;
}

describe('the model schema check', () => {
  it('refuses a container port that is not a number', async () => {
    const manifests = broken('Deployment', (d) => (d.spec.template.spec.containers[0].ports[0].containerPort = 'http'));
    expect(await modelProblems(manifests)).toEqual([
      'Deployment/openadr-vtn: data/spec/template/spec/containers/0/ports/0/containerPort must be integer',
    ]);
  });

  it('refuses an HPA without maxReplicas', async () => {
    const manifests = broken('HorizontalPodAutoscaler', (h) => delete h.spec.maxReplicas);
    expect((await modelProblems(manifests)).join()).toMatch(/HorizontalPodAutoscaler\/\S+: .*maxReplicas/);
  });

  it('refuses a CloudNativePG cluster without instances', async () => {
    const manifests = broken('Cluster', (c) => (c.spec.instances = 0));
    expect((await modelProblems(manifests)).join()).toMatch(/^Cluster\/openadr-vtn-db: .*instances/);
  });

  it('refuses a ServiceMonitor scraping at an interval that is no duration', async () => {
    const manifests = broken('ServiceMonitor', (s) => (s.spec.endpoints[0].interval = 'often'));
    expect((await modelProblems(manifests)).join()).toMatch(/^ServiceMonitor\/\S+: .*interval/);
  });

  it('refuses a kind no schema describes', async () => {
    const manifests = [...rendered, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }];
    expect(await modelProblems(manifests)).toEqual(['Widget/w: no schema for example.com/v1 Widget']);
  });
});

describe('the unknown-field check', () => {
  it('names a misspelt container field', () => {
    const manifests = broken('Deployment', (d) => (d.spec.template.spec.containers[0].imagePullPolice = 'Always'));
    expect(unknownFieldProblems(manifests)).toEqual([
      expect.stringMatching(/^Deployment\/openadr-vtn: .*'"imagePullPolice"' does not exist in type 'IContainer'/),
    ]);
  });

  it('names a misspelt field of a CloudNativePG cluster', () => {
    const manifests = broken('Cluster', (c) => (c.spec.instancez = 3));
    expect(unknownFieldProblems(manifests)).toEqual([
      expect.stringMatching(/^Cluster\/openadr-vtn-db: .*'"instancez"' does not exist in type 'IClusterSpec'/),
    ]);
  });
});

describe('the Strimzi CRD check', () => {
  it('names a misspelt KafkaTopic field', () => {
    const manifests = broken('KafkaTopic', (t) => (t.spec.partition = 3));
    expect(strimziProblems(manifests)).toEqual([
      expect.stringMatching(/^KafkaTopic\/\S+: \/spec: unknown field partition$/),
    ]);
  });

  it('refuses what v1 moved to the node pools: replicas and resources on spec.kafka', () => {
    const manifests = broken('Kafka', (k) => (k.spec.kafka.replicas = 3));
    expect(strimziProblems(manifests)).toEqual(['Kafka/flexgrid: /spec/kafka: unknown field replicas']);
  });

  it('refuses an ACL operation Strimzi does not know', () => {
    const manifests = broken('KafkaUser', (u) => (u.spec.authorization.acls[0].operations = ['Wrtie']));
    expect(strimziProblems(manifests).join()).toMatch(
      /^KafkaUser\/\S+: \/spec\/authorization\/acls\/0\/operations\/0: must be equal to one of/,
    );
  });

  it('refuses an API version Strimzi 1.2.0 no longer serves', () => {
    const manifests = broken('KafkaTopic', (t) => (t.apiVersion = 'kafka.strimzi.io/v1beta2'));
    expect(strimziProblems(manifests)).toEqual([expect.stringMatching(/v1beta2 is not served by Strimzi 1.2.0/)]);
  });
});
