# Build the jar first: ./mvnw -B package -DskipTests
FROM eclipse-temurin:17-jre
WORKDIR /opt/selfheal
COPY target/selfheal-*.jar selfheal.jar
# operators edit these on the host (mounted in docker-compose.yml); the image carries the shipped defaults
COPY config/ config/
COPY routes/ routes/
COPY db/ db/
ENV SELFHEAL_DATA_DIR=/var/lib/selfheal
VOLUME /var/lib/selfheal
EXPOSE 8080
ENTRYPOINT ["java", "-jar", "/opt/selfheal/selfheal.jar"]
