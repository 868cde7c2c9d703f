// Turns CustomResourceDefinition YAML files (<in>/*.yaml) into <out>/<Kind>.schema.json: the served version's
// openAPIV3Schema with descriptions removed, wrapped with the group and version it validates.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const [inDir, outDir] = process.argv.slice(2);

function withoutDescriptions(node) {
  if (Array.isArray(node)) return node.map(withoutDescriptions);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'description' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDescriptions(value)]),
  );
}

for (const file of readdirSync(inDir).filter((f) => f.endsWith('.yaml'))) {
  const crd = parse(readFileSync(join(inDir, file), 'utf8'));
  for (const version of crd.spec.versions.filter((v) => v.served)) {
    const schema = {
      group: crd.spec.group,
      version: version.name,
      kind: crd.spec.names.kind,
      openAPIV3Schema: withoutDescriptions(version.schema.openAPIV3Schema),
    };
    writeFileSync(join(outDir, `${crd.spec.names.kind}.schema.json`), `${JSON.stringify(schema, null, 2)}\n`);
  }
}
