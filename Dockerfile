# Build stage: the shaded jar
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src src
RUN mvn -B -q -DskipTests package

# Run stage: a JRE, a non-root user, the jar, the properties and the routes; operators' own routes are mounted
# into custom-routes/ (docker-compose.yml), which stays empty in the image
FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /app caravan
WORKDIR /app
COPY --from=build /src/target/caravan.jar caravan.jar
COPY application.properties .
COPY routes routes
RUN mkdir -p data custom-routes && chown caravan /app /app/data /app/custom-routes
USER caravan
# Class-data sharing: one training start records the classes Caravan loads, so every later start maps them
# instead of loading them again (about a second less on two cores). The training database is thrown away.
RUN AUTH_TOKEN=training SQLITE_DATABASE=/tmp/training.db sh -c \
      'java -XX:ArchiveClassesAtExit=/app/caravan.jsa -jar caravan.jar & pid=$!; sleep 15; kill $pid; wait $pid; true' \
    && rm -f /tmp/training.db*
# The API; the management port (9876) listens on the container's loopback unless MANAGEMENT_HOST says otherwise
EXPOSE 8000
# UP only when the port is bound, the database answers and a key is usable
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${MANAGEMENT_PORT:-9876} && printf "GET /observe/health HTTP/1.0\r\n\r\n" >&3 && grep -q UP <&3'
# A small, bounded heap: 1,000 open streams fit in about 230 MB of memory with these flags (see bench/). The JVM hands
# the C heap its start-up left free (the JIT's and the class loader's scratch memory) back to the system every 5 s:
# about 20 MB less resident memory, measured. The bench scripts read their JVM flags from this line.
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xms64m", "-Xmx320m", "-XX:TrimNativeHeapInterval=5000", "-XX:SharedArchiveFile=/app/caravan.jsa", "-Xshare:auto", "-jar", "caravan.jar"]
