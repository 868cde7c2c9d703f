import { renderOverlay } from './render';
import { modelProblems, strimziProblems, unknownFieldProblems } from './schemas';

describe('try', () => {
  it('runs', async () => {
    const m = renderOverlay('prod');
    const d = m.find((x) => x.kind === 'Deployment') as any;
    d.spec.replicaz = 3;
    d.spec.template.spec.containers[0].imagePullPolice = 'x'; const s = m.find((x) => x.kind === 'Service') as any; s.spec.selectr = {};
    const c = m.find((x) => x.kind === 'Cluster') as any;
    c.spec.instancez = 3;
    const t = m.find((x) => x.kind === 'KafkaTopic') as any;
    t.spec.partition = 3;
    console.log(await modelProblems(m));
    console.log(unknownFieldProblems(m));
    console.log(strimziProblems(m));
  });
});
