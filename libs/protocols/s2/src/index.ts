export {
  type ControlType,
  type Direction,
  type Family,
  MESSAGE_TYPES,
  type MessageType,
  NIL_UUID,
  type Side,
} from './catalog';
export type { ControlTypeChange } from './control-type';
export { type Conversation, type ConversationOptions, createConversation } from './conversation';
export type { ConversationState, HandshakeView, Phase } from './conversation-state';
export type { AppliedMessage, IdentifiedMessage } from './families';
export {
  type Finding,
  type FindingCounts,
  type Level,
  RULES,
  type RuleId,
  type Severity,
  type Summary,
  type Verdict,
} from './finding';
export type { BinaryFrame, Frame, MessageFrame, TextFrame, UnreadableFrame } from './frame';
export { TranscriptLines, TranscriptLineTooLong } from './transcript-lines';
export type { InstructionView } from './instructions';
export type { InstructionStatus, S2Message } from './messages';
export type { PendingReceptionStatus } from './reception-status';
export {
  analyzeTranscript,
  type ExportOptions,
  exportTranscript,
  importTranscript,
  type TranscriptAnalysis,
  TranscriptAnalyzer,
  TranscriptImportError,
  type TranscriptLine,
  transcriptLine,
  TranscriptReader,
} from './transcript';
