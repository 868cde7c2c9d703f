import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaTexts } from '../testing/oadr-xsd.test-util';
import { oadrSchemaModel } from './oadr-schema';
import { compileOadrSchema, formatSchemaModel } from './schema-files';

const MODEL_FILE = join(__dirname, 'oadr-20b.model.json');

describe('XML-4 the validator is derived from the XSD', () => {
  it('XML-4: the committed model is what schema/*.xsd compile to (regenerate: npx nx run protocol-openadr:compile-schema)', () => {
    const compiled = compileOadrSchema(schemaTexts());
    // The lib may not read files at runtime, so the compiled model is committed; the compile-schema target
    // runs this test with OADR_WRITE_SCHEMA_MODEL=1 to rewrite it, as `jest -u` rewrites a snapshot.
    if (process.env['OADR_WRITE_SCHEMA_MODEL'] === '1') writeFileSync(MODEL_FILE, formatSchemaModel(compiled));
    const committed = readFileSync(MODEL_FILE, 'utf8');
    expect(formatSchemaModel(compiled)).toBe(committed);
    // Also compared as values, so a field the committed format left out cannot go unnoticed, and as the
    // validator loads it.
    expect(JSON.parse(committed)).toStrictEqual(JSON.parse(JSON.stringify(compiled)));
    expect(oadrSchemaModel).toStrictEqual(JSON.parse(JSON.stringify(compiled)));
  });

  it('XML-4: the model knows the 23 payloads as the choice of oadrSignedObject', () => {
    const model = compileOadrSchema(schemaTexts());
    const signedObject =
      model.elements[model.globalElements['{http://openadr.org/oadr-2.0b/2012/07}oadrSignedObject'] ?? -1];
    const type = model.types[signedObject?.type ?? -1];
    expect(type?.kind === 'complex' && type.automaton?.states[0]?.next.length).toBe(23);
  });
});
