/**
 * Regenerates src/xsd/oadr-20b.model.json from schema/*.xsd:
 *
 *   npx nx run protocol-openadr:compile-schema
 *
 * The lib may not read files at runtime, so the compiled model is committed; a unit test fails when it
 * no longer matches the .xsd files.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaTexts } from '../src/testing/schema-dir.test-util';
import { compileOadrSchema, formatSchemaModel } from '../src/xsd/schema-files';

const target = join(__dirname, '../src/xsd/oadr-20b.model.json');
writeFileSync(target, formatSchemaModel(compileOadrSchema(schemaTexts())));
console.log(`wrote ${target}`);
