import { ConfigError, loadConfig } from '@flexgrid/platform-service';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kafkaAuthEnv, kafkaSecurityOf } from './kafka-auth';

const securityOf = (environment: Record<string, string>) => kafkaSecurityOf(loadConfig(kafkaAuthEnv, environment));

/** The variables a ConfigError names. */
function problemsOf(environment: Record<string, string>): string[] {
  try {
    securityOf(environment);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('Kafka authentication settings', () => {
  const directory = mkdtempSync(join(tmpdir(), 'kafka-auth-'));
  const caFile = join(directory, 'ca.crt');
  writeFileSync(caFile, PEM);

  it('is plaintext without any setting', () => {
    expect(securityOf({})).toEqual({});
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'])('maps KAFKA_SASL_MECHANISM=%s with its credentials', (m) => {
    expect(securityOf({ KAFKA_SASL_MECHANISM: m, KAFKA_SASL_USERNAME: 'vtn', KAFKA_SASL_PASSWORD: 'pw' })).toEqual({
      sasl: { mechanism: m, username: 'vtn', password: 'pw' },
    });
  });

  it('uses the system CAs for KAFKA_SSL alone, and the PEM file read at start for KAFKA_SSL_CA_FILE', () => {
    expect(securityOf({ KAFKA_SSL: 'true' })).toEqual({ ssl: true });
    expect(securityOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: caFile })).toEqual({ ssl: { ca: [PEM] } });
  });

  it('combines TLS and SCRAM, as a Strimzi listener with scram-sha-512 authentication wants', () => {
    expect(
      securityOf({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: caFile,
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'openadr-vtn',
        KAFKA_SASL_PASSWORD: 'secret',
      }),
    ).toEqual({
      ssl: { ca: [PEM] },
      sasl: { mechanism: 'scram-sha-512', username: 'openadr-vtn', password: 'secret' },
    });
  });

  it('refuses a mechanism without its credentials, and credentials without a mechanism', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'plain' })).toEqual(['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD']);
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toEqual(['KAFKA_SASL_PASSWORD']);
    expect(problemsOf({ KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toEqual(['KAFKA_SASL_MECHANISM']);
  });

  it('refuses an unknown mechanism when the configuration is read', () => {
    expect(() => loadConfig(kafkaAuthEnv, { KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/KAFKA_SASL_MECHANISM/);
  });

  it('refuses a CA file without KAFKA_SSL, a missing one, and one without a certificate', () => {
    expect(problemsOf({ KAFKA_SSL_CA_FILE: caFile })).toEqual(['KAFKA_SSL']);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(directory, 'missing.crt') })).toEqual([
      'KAFKA_SSL_CA_FILE',
    ]);
    const notPem = join(directory, 'key.txt');
    writeFileSync(notPem, 'not a certificate');
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: notPem })).toEqual(['KAFKA_SSL_CA_FILE']);
  });
});
