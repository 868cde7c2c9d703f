/**
 * Regenerates src/xsd/oadr-20b.model.json from schema/*.xsd:
 *
 *   npx nx run protocol-openadr:compile-schema
 *
 * The lib may not read files at runtime, so the compiled model is committed; a unit test fails when it
 * no longer matches the .xsd files.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeXml } from '../src/xml/decode';
import { compileOadrSchema, formatSchemaModel } from '../src/xsd/schema-files';

const root = join(__dirname, '..');
const schemaDir = join(root, 'schema');
const files: Record<string, string> = {};
for (const name of readdirSync(schemaDir).filter((f) => f.endsWith('.xsd'))) files[name] = decodeXml(readFileSync(join(schemaDir, name)));
const target = join(root, 'src/xsd/oadr-20b.model.json');
writeFileSync(target, formatSchemaModel(compileOadrSchema(files)));
console.log(`wrote ${target}`);
