/**
 * How the OpenADR schema set is turned into the committed model, shared by the generator script and
 * the test that proves the committed model is current.
 */
import { compileSchema, type SchemaModel } from '@flexgrid/xml';

export const OADR_SCHEMA_ENTRY = 'oadr_20b.xsd';

/** The model as committed: one line per type and per element declaration, so diffs stay readable. */
export function formatSchemaModel(model: SchemaModel): string {
  const lines = (items: readonly unknown[]): string => items.map((item) => JSON.stringify(item)).join(',\n');
  return (
    '{\n' +
    `"anyType": ${model.anyType},\n` +
    `"types": [\n${lines(model.types)}\n],\n` +
    `"elements": [\n${lines(model.elements)}\n],\n` +
    `"globalElements": ${JSON.stringify(model.globalElements)},\n` +
    `"globalAttributes": ${JSON.stringify(model.globalAttributes)},\n` +
    `"globalTypes": ${JSON.stringify(model.globalTypes)}\n` +
    '}\n'
  );
}

/** Compiles the OpenADR schema set from the texts of its files (keyed by file name). */
export function compileOadrSchema(files: Readonly<Record<string, string>>): SchemaModel {
  return compileSchema(files, OADR_SCHEMA_ENTRY);
}
