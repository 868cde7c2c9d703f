import type { XmlReadLimits } from '@flexgrid/xml';

/** TR-4 step 6: the caps every inbound message is read within. */
export const OADR_XML_LIMITS: XmlReadLimits = { maxDepth: 64, maxElements: 100_000, maxTextBytes: 65_536 };
