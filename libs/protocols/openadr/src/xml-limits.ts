import type { XmlReadLimits } from '@flexgrid/xml';

/**
 * The caps every inbound message is read within: TR-4 step 6's depth, element count and text size, and room
 * for any note a person writes in a comment (OpenADR puts nothing there).
 */
export const OADR_XML_LIMITS: XmlReadLimits = {
  maxDepth: 64,
  maxElements: 100_000,
  maxTextBytes: 65_536,
  maxCommentBytes: 16_384,
};
