// What the two P2P services (apps/p2p-producer, apps/p2p-grid) share beyond the pure rules of protocol-p2p:
// the HTTP conventions of §15, the registration API of §12, the channel bookkeeping of P2P-CH3 and the journal.
export {
  invalidParameter,
  mapError,
  notJson,
  operatorTokenRequired,
  P2PHttpError,
  sideKeyFailure,
  tooLarge,
  unknownRegistration,
} from './errors';
export {
  answerOk,
  bodyFields,
  choiceQuery,
  cors,
  integerQuery,
  intervalRange,
  jsonBody,
  paged,
  queryValue,
  serviceInfo,
  unknownRoute,
} from './conventions';
export { carriesOperatorToken, matchesOperatorToken, operatorOnly } from './operator-token';
export { type ChannelRecord, channelStore } from './channel-store';
export { journalStore } from './journal-store';
export { type RegistrationRow, registrationStore, streamKeyOf } from './registration-store';
export {
  type RegistrationAnswer,
  type RegistrationPolicy,
  type RegistrationRequest,
  Registrations,
  type RegistrationsOptions,
  type RegistrationView,
} from './registrations';
export { registrationRoutes } from './registration-routes';
export { openP2pService, type P2pServiceBase, type P2pStartOptions, type RunningP2pService } from './service-base';
export { type Queryable } from './queryable';
export { P2pConfigError, p2pServiceEnv, type P2pServiceStartOptions, ruleEnv, rulesOf, runP2pService } from './config';
