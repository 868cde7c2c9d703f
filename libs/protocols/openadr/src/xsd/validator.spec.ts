import fc from 'fast-check';
import { readOadrPayload } from '../message';
import { OADR_PAYLOAD_TYPES } from '../payloads/oadr-payload';
import { writeOadrPayload } from '../payloads/oadr-payload';
import {
  BAD_VALUES,
  MUTATIONS,
  type Node,
  parseNode,
  serializeNode,
  walk,
  withText,
} from '../testing/mutation.test-util';
import { NAMESPACE_STYLES, restyle } from '../testing/restyle.test-util';
import { minimalSamples, richSamples } from '../testing/samples.test-util';
import { xmllintValidate } from '../testing/oadr-xsd.test-util';
import { readXml, XmlReadError } from '@flexgrid/xml';
import { OADR_XML_LIMITS } from '../xml-limits';
import { oadrSchema } from './oadr-schema';

/** At most this many mutated documents per sample, so the corpus stays quick to check. */
const PER_SAMPLE = 160;

interface Case {
  readonly label: string;
  readonly xml: string;
}

function mutationsOf(label: string, root: Node): Case[] {
  const nodes = walk(root);
  const perPosition = Object.keys(MUTATIONS).length + 3;
  const stride = Math.max(1, Math.ceil((nodes.length * perPosition) / PER_SAMPLE));
  const out: Case[] = [];
  for (let i = 0; i < nodes.length; i += stride) {
    for (const [name, mutate] of Object.entries(MUTATIONS)) {
      const mutated = mutate(root, i);
      if (mutated) out.push({ label: `${label} #${i} ${name}`, xml: serializeNode(mutated) });
    }
    for (let j = 0; j < 3; j++) {
      const value = BAD_VALUES[(i * 7 + j * 11) % BAD_VALUES.length] ?? '';
      const mutated = withText(root, i, value);
      if (mutated) out.push({ label: `${label} #${i} text ${JSON.stringify(value)}`, xml: serializeNode(mutated) });
    }
  }
  return out;
}

const OADR =
  'xmlns:oadr="http://openadr.org/oadr-2.0b/2012/07" xmlns:ei="http://docs.oasis-open.org/ns/energyinterop/201110"';
const poll = (payloadAttributes: string, venId: string, extra = ''): string =>
  `<oadr:oadrPayload ${OADR}${extra}><oadr:oadrSignedObject><oadr:oadrPoll${payloadAttributes}><ei:venID>${venId}</ei:venID></oadr:oadrPoll></oadr:oadrSignedObject></oadr:oadrPayload>`;
const XSI = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xs="http://www.w3.org/2001/XMLSchema"';

/** Hand-written documents for what mutations do not reach: xsi attributes, markup inside values, wildcards. */
const SPECIAL: readonly Case[] = [
  { label: 'comment and CDATA inside a value', xml: poll('', 'ven<!-- c -->-<![CDATA[1]]><?pi x?>') },
  {
    label: 'xsi:type naming the declared type',
    xml: poll('', 'v', XSI).replace('<ei:venID>', '<ei:venID xsi:type="xs:string">'),
  },
  {
    label: 'xsi:type naming an unrelated type',
    xml: poll('', 'v', XSI).replace('<ei:venID>', '<ei:venID xsi:type="xs:int">'),
  },
  {
    label: 'xsi:type naming no type',
    xml: poll('', 'v', XSI).replace('<ei:venID>', '<ei:venID xsi:type="xs:nothing">'),
  },
  {
    label: 'xsi:nil on a non-nillable element',
    xml: poll('', '', XSI).replace('<ei:venID>', '<ei:venID xsi:nil="true">'),
  },
  {
    label: 'xsi:schemaLocation is allowed',
    xml: poll('', 'v', XSI).replace('<oadr:oadrPoll', '<oadr:oadrPoll xsi:schemaLocation="urn:x x.xsd"'),
  },
  { label: 'unknown xsi attribute', xml: poll('', 'v', XSI).replace('<oadr:oadrPoll', '<oadr:oadrPoll xsi:other="1"') },
  { label: 'schemaVersion x- extension', xml: poll(' ei:schemaVersion="x-mine"', 'v') },
  { label: 'schemaVersion collapsed', xml: poll(' ei:schemaVersion=" 2.0b "', 'v') },
  { label: 'unprefixed schemaVersion', xml: poll(' schemaVersion="2.0b"', 'v') },
  { label: 'xml:lang on a payload', xml: poll(' xml:lang="en"', 'v') },
  {
    label: 'duplicate oadr:Id',
    xml: poll('', 'v').replace('<oadr:oadrSignedObject>', '<oadr:oadrSignedObject oadr:Id="a">'),
  },
  {
    label: 'oadr:Id that is no NCName',
    xml: poll('', 'v').replace('<oadr:oadrSignedObject>', '<oadr:oadrSignedObject oadr:Id="1a">'),
  },
  { label: 'root of another namespace', xml: '<oadrPayload xmlns="urn:other"/>' },
  { label: 'payload element as the root', xml: `<oadr:oadrPoll ${OADR}><ei:venID>v</ei:venID></oadr:oadrPoll>` },
  {
    label: 'two payloads',
    xml: poll('', 'v').replace(
      '</oadr:oadrPoll>',
      '</oadr:oadrPoll><oadr:oadrPoll><ei:venID>w</ei:venID></oadr:oadrPoll>',
    ),
  },
  {
    label: 'components nilled',
    xml: writeOadrPayload(richSamples.oadrDistributeEvent).replace(
      /<xcal:components\/>/g,
      '<xcal:components xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:nil="true"/>',
    ),
  },
  {
    label: 'components with lax content',
    xml: writeOadrPayload(richSamples.oadrDistributeEvent).replace(
      /<xcal:components\/>/g,
      '<xcal:components>text<x:any xmlns:x="urn:x" a="1"><ei:venID>v</ei:venID></x:any></xcal:components>',
    ),
  },
  {
    label: 'components with a known element of the wrong content',
    xml: writeOadrPayload(richSamples.oadrDistributeEvent).replace(
      /<xcal:components\/>/g,
      '<xcal:components><ei:eventID><x/></ei:eventID></xcal:components>',
    ),
  },
  {
    label: 'a wrong fixed itemDescription',
    xml: writeOadrPayload(richSamples.oadrDistributeEvent).replace(
      '<power:itemDescription>RealPower<',
      '<power:itemDescription>Power<',
    ),
  },
  {
    label: 'an empty fixed itemDescription takes the fixed value',
    xml: writeOadrPayload(richSamples.oadrDistributeEvent).replace(
      '<power:itemDescription>RealPower</power:itemDescription>',
      '<power:itemDescription/>',
    ),
  },
  {
    label: 'abstract powerItem with xsi:type',
    xml: writeOadrPayload(richSamples.oadrDistributeEvent)
      .replace(
        '<power:powerReal>',
        '<power:powerItem xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="power:PowerRealType">',
      )
      .replace('</power:powerReal>', '</power:powerItem>'),
  },
  {
    label: 'abstract powerItem without xsi:type',
    xml: writeOadrPayload(richSamples.oadrDistributeEvent)
      .replace('<power:powerReal>', '<power:powerItem>')
      .replace('</power:powerReal>', '</power:powerItem>'),
  },
  {
    label: 'strict wildcard in an atom feed with an unknown element',
    xml: writeOadrPayload(richSamples.oadrUpdateReport).replace(
      '<atom:title>usage</atom:title>',
      '<atom:title>usage</atom:title><u:unknown xmlns:u="urn:u"/>',
    ),
  },
];

describe('XML-4 the fast validator accepts and refuses exactly what oadr_20b.xsd (libxml2) does', () => {
  const valid: Case[] = [];
  const mutated: Case[] = [];
  for (const type of OADR_PAYLOAD_TYPES) {
    for (const [kind, samples] of [
      ['rich', richSamples],
      ['minimal', minimalSamples],
    ] as const) {
      const xml = writeOadrPayload(samples[type]);
      valid.push({ label: `${kind} ${type}`, xml });
      for (const style of NAMESPACE_STYLES) valid.push({ label: `${kind} ${type} ${style}`, xml: restyle(xml, style) });
      mutated.push(...mutationsOf(`${kind} ${type}`, parseNode(xml)));
    }
  }
  // Two or three mutations at once, drawn reproducibly.
  const sources = OADR_PAYLOAD_TYPES.map((type) => parseNode(writeOadrPayload(minimalSamples[type])));
  const names = Object.keys(MUTATIONS);
  const combined = fc.sample(
    fc.tuple(
      fc.nat(sources.length - 1),
      fc.array(fc.tuple(fc.nat(names.length - 1), fc.nat(40)), { minLength: 2, maxLength: 3 }),
    ),
    { numRuns: 300, seed: 20_260_514 },
  );
  for (const [source, steps] of combined) {
    let root: Node | undefined = sources[source];
    for (const [name, at] of steps) {
      const mutate = MUTATIONS[names[name] ?? ''];
      root = root && mutate ? (mutate(root, at % walk(root).length) ?? root) : root;
    }
    if (root) mutated.push({ label: `combined ${source} ${JSON.stringify(steps)}`, xml: serializeNode(root) });
  }
  const corpus = [...valid, ...mutated, ...SPECIAL];
  let verdicts: boolean[] = [];

  beforeAll(async () => {
    verdicts = (await xmllintValidate(corpus.map((c) => c.xml))).map((v) => v.valid);
  });

  /** Well-formed and schema-valid for us. */
  const ours = (xml: string): boolean => {
    try {
      return oadrSchema.validate(readXml(xml, OADR_XML_LIMITS).root) === undefined;
    } catch (error) {
      if (error instanceof XmlReadError) return false;
      throw error;
    }
  };

  it('XML-4: every payload type, written in every namespace style, is valid for both', () => {
    const verdict = corpus
      .slice(0, valid.length)
      .map((c, i) => ({ label: c.label, xmllint: verdicts[i], ours: ours(c.xml) }));
    expect(verdict.filter((v) => !v.xmllint || !v.ours)).toEqual([]);
    expect(valid.length).toBe(OADR_PAYLOAD_TYPES.length * 2 * (NAMESPACE_STYLES.length + 1));
  });

  it('XML-4: mutated documents of every payload type are judged alike', () => {
    const offset = valid.length;
    const disagreements = mutated.filter((c, i) => ours(c.xml) !== verdicts[offset + i]).map((c) => c.label);
    expect(disagreements).toEqual([]);
    const refused = mutated.filter((_, i) => !verdicts[offset + i]).length;
    expect(refused).toBeGreaterThan(mutated.length / 2);
    expect(mutated.length - refused).toBeGreaterThan(100);
  });

  it('TR-4 step 8: every schema-valid mutated document reads as a payload or a 454 data failure', () => {
    const offset = valid.length;
    const outcomes = mutated
      .filter((_, i) => verdicts[offset + i])
      .map((c) => {
        const result = readOadrPayload(c.xml);
        return result.ok ? 'payload' : result.error.kind;
      });
    expect(outcomes.filter((o) => o !== 'payload' && o !== 'data')).toEqual([]);
    expect(outcomes.filter((o) => o === 'payload').length).toBeGreaterThan(100);
  });

  it('XML-4: hand-written edge cases (xsi attributes, markup in values, wildcards, IDs) are judged alike', () => {
    const offset = valid.length + mutated.length;
    const judged = SPECIAL.map((c, i) => ({ label: c.label, xmllint: verdicts[offset + i], ours: ours(c.xml) }));
    expect(judged.filter((j) => j.xmllint !== j.ours)).toEqual([]);
    const reads = SPECIAL.filter((_, i) => verdicts[offset + i]).map((c) => {
      const result = readOadrPayload(c.xml);
      return result.ok || result.error.kind === 'data' ? 'read' : `${c.label}: ${result.error.message}`;
    });
    expect(reads.filter((r) => r !== 'read').filter((r) => !r.startsWith('payload element as the root'))).toEqual([]);
    expect(judged.filter((j) => j.xmllint).length).toBeGreaterThan(5);
    expect(judged.filter((j) => !j.xmllint).length).toBeGreaterThan(5);
  });

  it('TR-4 step 7: a refusal names the element and the line:column (≤ 1 KiB)', () => {
    const result = readOadrPayload(
      `<?xml version="1.0"?>\n${poll('', 'v').replace('<ei:venID>v</ei:venID>', '\n  <ei:vtnID>v</ei:vtnID>')}`,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('schema');
    expect(result.error.message).toMatch(
      /^3:3: Element '\{http:\/\/docs\.oasis-open\.org\/ns\/energyinterop\/201110\}vtnID': This element is not expected\. Expected is \( \{http:\/\/docs\.oasis-open\.org\/ns\/energyinterop\/201110\}venID \)\.$/,
    );
    expect(result.error.message.length).toBeLessThanOrEqual(1024);
  });
});
