/** This lib's schema/ folder (oadr_20b.xsd and what it imports) as the tests read and validate against it. */
import {
  readXsdFiles,
  type XmllintVerdict,
  xmllintValidate as xmllintValidateAgainst,
  type XsdSet,
} from '@flexgrid/testing';
import { decodeXml } from '@flexgrid/xml';
import { join } from 'node:path';
import { OADR_SCHEMA_ENTRY } from '../xsd/schema-files';

export const OADR_XSD_SET: XsdSet = { dir: join(__dirname, '../../schema'), entry: OADR_SCHEMA_ENTRY };

/** Validates documents with xmllint against oadr_20b.xsd, or against `schema` (given as text) instead. */
export function xmllintValidate(documents: readonly string[], schema?: string): Promise<XmllintVerdict[]> {
  return xmllintValidateAgainst(documents, OADR_XSD_SET, schema);
}

/** The schema set as texts keyed by file name, decoded as each file declares (several are ISO-8859-1). */
export function schemaTexts(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(readXsdFiles(OADR_XSD_SET.dir)).map(([name, bytes]) => [name, decodeXml(bytes)]),
  );
}
