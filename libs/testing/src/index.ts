export {
  type AppEnvironment,
  type PublishedRecord,
  type PublishedTopic,
  type StartedApp,
  startTestApp,
  type TestApp,
  type TestAppOptions,
} from './app-harness';
export { type AppProcess, startAppProcess } from './app-process';
export { findInfrastructure, HOW_TO_PROVIDE, type Infrastructure, workspaceRoot } from './infrastructure';
export { createTestDatabase, testKafkaBrokers, type TestDatabase, uniqueTopicPrefix } from './isolation';
export { type PrivateKafka, startPrivateKafka } from './private-kafka';
export { type PrivatePostgres, startPrivatePostgres } from './private-postgres';
export { readXsdFiles, type XmllintVerdict, xmllintValidate, type XsdSet } from './xmllint';
export { readmeExample } from './readme-example';
export {
  buildUi,
  chromiumArgs,
  chromiumPath,
  HOW_TO_INSTALL_CHROMIUM,
  launchBrowser,
  type PageError,
  PageErrors,
  saveScreenshot,
  type TestBrowser,
  type WatchedPage,
  watchPageErrors,
} from './browser';
