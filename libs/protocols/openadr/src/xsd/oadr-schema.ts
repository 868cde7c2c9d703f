/** The validator for oadr_20b.xsd and its imports, compiled from schema/ (`npx nx run protocol-openadr:compile-schema`, checked by schema-model.spec.ts). */
import compiled from './oadr-20b.model.json';
import { type SchemaModel, SchemaValidator } from '@flexgrid/xml';

export const oadrSchemaModel = compiled as unknown as SchemaModel;

export const oadrSchema = new SchemaValidator(oadrSchemaModel);
