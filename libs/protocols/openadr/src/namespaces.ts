/** SPEC §2.3: the namespaces of OpenADR 2.0b and the prefixes we write. */
export const OADR_NS = 'http://openadr.org/oadr-2.0b/2012/07';
export const EI_NS = 'http://docs.oasis-open.org/ns/energyinterop/201110';
export const PYLD_NS = 'http://docs.oasis-open.org/ns/energyinterop/201110/payloads';
export const EMIX_NS = 'http://docs.oasis-open.org/ns/emix/2011/06';
export const POWER_NS = 'http://docs.oasis-open.org/ns/emix/2011/06/power';
export const SCALE_NS = 'http://docs.oasis-open.org/ns/emix/2011/06/siscale';
export const XCAL_NS = 'urn:ietf:params:xml:ns:icalendar-2.0';
export const STRM_NS = 'urn:ietf:params:xml:ns:icalendar-2.0:stream';
export const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
export const DSP_NS = 'http://openadr.org/oadr-2.0b/2012/07/xmldsig-properties';
export const GB_NS = 'http://naesb.org/espi';
export const ATOM_NS = 'http://www.w3.org/2005/Atom';
export const GML_NS = 'http://www.opengis.net/gml/3.2';
export const DSIG11_NS = 'http://www.w3.org/2009/xmldsig11#';
export const ISO4217_NS = 'urn:un:unece:uncefact:codelist:standard:5:ISO42173A:2010-04-07';

/** XW-1: the eight prefixes every document we write declares on its root, in this order. */
export const WRITTEN_PREFIXES: readonly (readonly [prefix: string, uri: string])[] = [
  ['oadr', OADR_NS],
  ['ei', EI_NS],
  ['pyld', PYLD_NS],
  ['emix', EMIX_NS],
  ['power', POWER_NS],
  ['scale', SCALE_NS],
  ['xcal', XCAL_NS],
  ['strm', STRM_NS],
];
