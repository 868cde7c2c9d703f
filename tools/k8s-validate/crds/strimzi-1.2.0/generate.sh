#!/usr/bin/env bash
# Regenerates the Strimzi 1.2.0 CRD schemas vendored here (kafka.strimzi.io/v1). Strimzi publishes its CRDs
# only inside its release archives; the jars on Maven Central hold the API classes and the generator that
# writes them, so this runs that generator with the arguments of Strimzi's own build (Java 21+ classes).
# Needs: mvn, a JDK >= 21 (JAVA, default Temurin 25), network access to Maven Central. Not run by npm test.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
java="${JAVA:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}"
version=1.2.0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local</groupId><artifactId>strimzi-crd-gen</artifactId><version>0</version>
  <dependencies>
    <dependency><groupId>io.strimzi</groupId><artifactId>api</artifactId><version>$version</version></dependency>
    <dependency><groupId>io.strimzi</groupId><artifactId>crd-generator</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
POM
(cd "$work" && mvn -q -B dependency:build-classpath -Dmdep.outputFile=cp.txt)
mkdir -p "$work/out"
"$java" -cp "$(cat "$work/cp.txt")" io.strimzi.crdgenerator.CrdGenerator \
  --label app:strimzi --label strimzi.io/crd-install:true --target-kube 1.16+ \
  --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml \
  io.strimzi.api.kafka.model.kafka.Kafka="$work/out/Kafka.yaml" \
  io.strimzi.api.kafka.model.nodepool.KafkaNodePool="$work/out/KafkaNodePool.yaml" \
  io.strimzi.api.kafka.model.topic.KafkaTopic="$work/out/KafkaTopic.yaml" \
  io.strimzi.api.kafka.model.user.KafkaUser="$work/out/KafkaUser.yaml"

# Only the v1 openAPIV3Schema is kept, without descriptions: the validator needs the structure, not the docs.
"$root/tools/node/node.sh" exec node "$here/../strip-crd.mjs" "$work/out" "$here"
