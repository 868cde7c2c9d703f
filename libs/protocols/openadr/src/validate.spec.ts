import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateOadrMessage, writeOadrPayload } from './index';
import { minimalSamples, richSamples } from './testing/samples.test-util';
import { xmllintValidate } from './testing/oadr-xsd.test-util';

describe('XML-4 validateOadrMessage, the public fast validator', () => {
  const written = [...Object.values(minimalSamples), ...Object.values(richSamples)].map(writeOadrPayload);
  const broken = written.map((xml) => xml.replace('ei:schemaVersion="2.0b">', 'ei:schemaVersion="2.0b"><ei:bogus/>'));

  it('agrees with xmllint on valid and invalid messages', async () => {
    const documents = [...written, ...broken];
    const reference = await xmllintValidate(documents);
    const ours = documents.map((xml) => validateOadrMessage(xml) === undefined);
    expect(ours).toEqual(reference.map((verdict) => verdict.valid));
    expect(ours.filter(Boolean)).toHaveLength(written.length);
  });

  it('reports refusals with their kind and position, and accepts bytes with a charset', () => {
    expect(validateOadrMessage('<a')).toMatchObject({ kind: 'xml' });
    expect(validateOadrMessage('<!DOCTYPE x><x/>')).toMatchObject({ kind: 'xml' });
    expect(validateOadrMessage(broken[0] ?? '')).toMatchObject({ kind: 'schema', line: 1 });
    const signed = readFileSync(join(__dirname, 'payloads/openleadr-fixtures/signed-oadrPoll.xml'));
    expect(validateOadrMessage(signed, { charset: 'utf-8' })).toBeUndefined();
  });
});
