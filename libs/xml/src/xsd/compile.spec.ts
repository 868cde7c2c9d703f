import { XsdCompileError } from '../errors';
import { compileSchema } from './compile';

describe('the XSD compiler', () => {
  it.each([
    ['<xs:redefine schemaLocation="x.xsd"/>', 'unsupported top-level construct xs:redefine'],
    [
      '<xs:complexType name="t"><xs:all><xs:element name="a"/></xs:all></xs:complexType>',
      'unsupported particle xs:all',
    ],
    ['<xs:simpleType name="s"><xs:restriction base="xs:gYear"/></xs:simpleType>', 'unsupported built-in type xs:gYear'],
    ['<xs:element name="e" type="t:missing"/>', 'no global complexType'],
  ])('constructs the compiler does not implement are refused loudly (%#)', (body, reason) => {
    const schema = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:t="urn:t" targetNamespace="urn:t">${body}</xs:schema>`;
    expect(() => compileSchema({ 'test.xsd': schema }, 'test.xsd')).toThrow(XsdCompileError);
    expect(() => compileSchema({ 'test.xsd': schema }, 'test.xsd')).toThrow(reason);
  });
});
