# Builds from source: `docker compose up --build` needs nothing but Docker.
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY .mvn/ .mvn/
COPY mvnw pom.xml ./
RUN ./mvnw -B -q dependency:go-offline
COPY src/ src/
RUN ./mvnw -B -q package -DskipTests

FROM eclipse-temurin:17-jre
# the service never needs root: its own user, owning only its data directory
RUN groupadd --system selfheal && useradd --system --gid selfheal --home-dir /opt/selfheal selfheal \
    && mkdir -p /var/lib/selfheal && chown selfheal:selfheal /var/lib/selfheal
WORKDIR /opt/selfheal
COPY --from=build /src/target/selfheal-*.jar selfheal.jar
# operators edit these on the host (mounted in docker-compose.yml); the image carries the shipped defaults
COPY config/ config/
COPY routes/ routes/
COPY db/ db/
ENV SELFHEAL_DATA_DIR=/var/lib/selfheal
# the C1 compiler alone: on 1-2 cores C2 spends more CPU compiling than its faster code gives back (same capacity
# measured, a third less start-up time, warm from the first minute: docs/BENCHMARKS.md, "The JIT on two cores").
# Setting JAVA_TOOL_OPTIONS replaces this; with 4 cores or more, leave the flag out
ENV JAVA_TOOL_OPTIONS="-XX:TieredStopAtLevel=1"
VOLUME /var/lib/selfheal
USER selfheal
# 8080: webhooks (public); 8081: management (loopback inside the container unless MANAGEMENT_SERVER_ADDRESS is set)
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/selfheal/selfheal.jar"]
