/*
 * The 76 vendored S2 JSON Schemas (flexiblepower/s2-ws-json, protocol 0.0.2-beta, Apache-2.0: see LICENSE),
 * imported as JSON modules so that the library reads nothing from disk at run time. The files are copied
 * unchanged from ../shared/s2/s2-json-schema (layout kept: their relative $refs resolve against their $ids).
 */
import ddbcActuatorStatusSchema from './messages/DDBC.ActuatorStatus.schema.json';
import ddbcAverageDemandRateForecastSchema from './messages/DDBC.AverageDemandRateForecast.schema.json';
import ddbcInstructionSchema from './messages/DDBC.Instruction.schema.json';
import ddbcSystemDescriptionSchema from './messages/DDBC.SystemDescription.schema.json';
import ddbcTimerStatusSchema from './messages/DDBC.TimerStatus.schema.json';
import frbcActuatorStatusSchema from './messages/FRBC.ActuatorStatus.schema.json';
import frbcFillLevelTargetProfileSchema from './messages/FRBC.FillLevelTargetProfile.schema.json';
import frbcInstructionSchema from './messages/FRBC.Instruction.schema.json';
import frbcLeakageBehaviourSchema from './messages/FRBC.LeakageBehaviour.schema.json';
import frbcStorageStatusSchema from './messages/FRBC.StorageStatus.schema.json';
import frbcSystemDescriptionSchema from './messages/FRBC.SystemDescription.schema.json';
import frbcTimerStatusSchema from './messages/FRBC.TimerStatus.schema.json';
import frbcUsageForecastSchema from './messages/FRBC.UsageForecast.schema.json';
import handshakeSchema from './messages/Handshake.schema.json';
import handshakeResponseSchema from './messages/HandshakeResponse.schema.json';
import instructionStatusUpdateSchema from './messages/InstructionStatusUpdate.schema.json';
import ombcInstructionSchema from './messages/OMBC.Instruction.schema.json';
import ombcStatusSchema from './messages/OMBC.Status.schema.json';
import ombcSystemDescriptionSchema from './messages/OMBC.SystemDescription.schema.json';
import ombcTimerStatusSchema from './messages/OMBC.TimerStatus.schema.json';
import pebcEnergyConstraintSchema from './messages/PEBC.EnergyConstraint.schema.json';
import pebcInstructionSchema from './messages/PEBC.Instruction.schema.json';
import pebcPowerConstraintsSchema from './messages/PEBC.PowerConstraints.schema.json';
import ppbcEndInterruptionInstructionSchema from './messages/PPBC.EndInterruptionInstruction.schema.json';
import ppbcPowerProfileDefinitionSchema from './messages/PPBC.PowerProfileDefinition.schema.json';
import ppbcPowerProfileStatusSchema from './messages/PPBC.PowerProfileStatus.schema.json';
import ppbcScheduleInstructionSchema from './messages/PPBC.ScheduleInstruction.schema.json';
import ppbcStartInterruptionInstructionSchema from './messages/PPBC.StartInterruptionInstruction.schema.json';
import powerForecastSchema from './messages/PowerForecast.schema.json';
import powerMeasurementSchema from './messages/PowerMeasurement.schema.json';
import receptionStatusSchema from './messages/ReceptionStatus.schema.json';
import resourceManagerDetailsSchema from './messages/ResourceManagerDetails.schema.json';
import revokeObjectSchema from './messages/RevokeObject.schema.json';
import selectControlTypeSchema from './messages/SelectControlType.schema.json';
import sessionRequestSchema from './messages/SessionRequest.schema.json';
import commoditySchema from './schemas/Commodity.schema.json';
import commodityQuantitySchema from './schemas/CommodityQuantity.schema.json';
import controlTypeSchema from './schemas/ControlType.schema.json';
import currencySchema from './schemas/Currency.schema.json';
import ddbcActuatorDescriptionSchema from './schemas/DDBC.ActuatorDescription.schema.json';
import ddbcAverageDemandRateForecastElementSchema from './schemas/DDBC.AverageDemandRateForecastElement.schema.json';
import ddbcOperationModeSchema from './schemas/DDBC.OperationMode.schema.json';
import durationSchema from './schemas/Duration.schema.json';
import energyManagementRoleSchema from './schemas/EnergyManagementRole.schema.json';
import frbcActuatorDescriptionSchema from './schemas/FRBC.ActuatorDescription.schema.json';
import frbcFillLevelTargetProfileElementSchema from './schemas/FRBC.FillLevelTargetProfileElement.schema.json';
import frbcLeakageBehaviourElementSchema from './schemas/FRBC.LeakageBehaviourElement.schema.json';
import frbcOperationModeSchema from './schemas/FRBC.OperationMode.schema.json';
import frbcOperationModeElementSchema from './schemas/FRBC.OperationModeElement.schema.json';
import frbcStorageDescriptionSchema from './schemas/FRBC.StorageDescription.schema.json';
import frbcUsageForecastElementSchema from './schemas/FRBC.UsageForecastElement.schema.json';
import idSchema from './schemas/ID.schema.json';
import instructionStatusSchema from './schemas/InstructionStatus.schema.json';
import numberRangeSchema from './schemas/NumberRange.schema.json';
import ombcOperationModeSchema from './schemas/OMBC.OperationMode.schema.json';
import pebcAllowedLimitRangeSchema from './schemas/PEBC.AllowedLimitRange.schema.json';
import pebcPowerEnvelopeSchema from './schemas/PEBC.PowerEnvelope.schema.json';
import pebcPowerEnvelopeConsequenceTypeSchema from './schemas/PEBC.PowerEnvelopeConsequenceType.schema.json';
import pebcPowerEnvelopeElementSchema from './schemas/PEBC.PowerEnvelopeElement.schema.json';
import pebcPowerEnvelopeLimitTypeSchema from './schemas/PEBC.PowerEnvelopeLimitType.schema.json';
import ppbcPowerSequenceSchema from './schemas/PPBC.PowerSequence.schema.json';
import ppbcPowerSequenceContainerSchema from './schemas/PPBC.PowerSequenceContainer.schema.json';
import ppbcPowerSequenceContainerStatusSchema from './schemas/PPBC.PowerSequenceContainerStatus.schema.json';
import ppbcPowerSequenceElementSchema from './schemas/PPBC.PowerSequenceElement.schema.json';
import ppbcPowerSequenceStatusSchema from './schemas/PPBC.PowerSequenceStatus.schema.json';
import powerForecastElementSchema from './schemas/PowerForecastElement.schema.json';
import powerForecastValueSchema from './schemas/PowerForecastValue.schema.json';
import powerRangeSchema from './schemas/PowerRange.schema.json';
import powerValueSchema from './schemas/PowerValue.schema.json';
import receptionStatusValuesSchema from './schemas/ReceptionStatusValues.schema.json';
import revokableObjectsSchema from './schemas/RevokableObjects.schema.json';
import roleSchema from './schemas/Role.schema.json';
import roleTypeSchema from './schemas/RoleType.schema.json';
import sessionRequestTypeSchema from './schemas/SessionRequestType.schema.json';
import timerSchema from './schemas/Timer.schema.json';
import transitionSchema from './schemas/Transition.schema.json';

/** One schema per message that can be sent on the websocket (35). */
export const messageSchemas: readonly object[] = [
  ddbcActuatorStatusSchema,
  ddbcAverageDemandRateForecastSchema,
  ddbcInstructionSchema,
  ddbcSystemDescriptionSchema,
  ddbcTimerStatusSchema,
  frbcActuatorStatusSchema,
  frbcFillLevelTargetProfileSchema,
  frbcInstructionSchema,
  frbcLeakageBehaviourSchema,
  frbcStorageStatusSchema,
  frbcSystemDescriptionSchema,
  frbcTimerStatusSchema,
  frbcUsageForecastSchema,
  handshakeSchema,
  handshakeResponseSchema,
  instructionStatusUpdateSchema,
  ombcInstructionSchema,
  ombcStatusSchema,
  ombcSystemDescriptionSchema,
  ombcTimerStatusSchema,
  pebcEnergyConstraintSchema,
  pebcInstructionSchema,
  pebcPowerConstraintsSchema,
  ppbcEndInterruptionInstructionSchema,
  ppbcPowerProfileDefinitionSchema,
  ppbcPowerProfileStatusSchema,
  ppbcScheduleInstructionSchema,
  ppbcStartInterruptionInstructionSchema,
  powerForecastSchema,
  powerMeasurementSchema,
  receptionStatusSchema,
  resourceManagerDetailsSchema,
  revokeObjectSchema,
  selectControlTypeSchema,
  sessionRequestSchema,
];

/** The types used inside messages, never sent alone (41). */
export const typeSchemas: readonly object[] = [
  commoditySchema,
  commodityQuantitySchema,
  controlTypeSchema,
  currencySchema,
  ddbcActuatorDescriptionSchema,
  ddbcAverageDemandRateForecastElementSchema,
  ddbcOperationModeSchema,
  durationSchema,
  energyManagementRoleSchema,
  frbcActuatorDescriptionSchema,
  frbcFillLevelTargetProfileElementSchema,
  frbcLeakageBehaviourElementSchema,
  frbcOperationModeSchema,
  frbcOperationModeElementSchema,
  frbcStorageDescriptionSchema,
  frbcUsageForecastElementSchema,
  idSchema,
  instructionStatusSchema,
  numberRangeSchema,
  ombcOperationModeSchema,
  pebcAllowedLimitRangeSchema,
  pebcPowerEnvelopeSchema,
  pebcPowerEnvelopeConsequenceTypeSchema,
  pebcPowerEnvelopeElementSchema,
  pebcPowerEnvelopeLimitTypeSchema,
  ppbcPowerSequenceSchema,
  ppbcPowerSequenceContainerSchema,
  ppbcPowerSequenceContainerStatusSchema,
  ppbcPowerSequenceElementSchema,
  ppbcPowerSequenceStatusSchema,
  powerForecastElementSchema,
  powerForecastValueSchema,
  powerRangeSchema,
  powerValueSchema,
  receptionStatusValuesSchema,
  revokableObjectsSchema,
  roleSchema,
  roleTypeSchema,
  sessionRequestTypeSchema,
  timerSchema,
  transitionSchema,
];
