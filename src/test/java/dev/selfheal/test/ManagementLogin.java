package dev.selfheal.test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Calls to the management port as the test profile's admin (application-test.yaml sets its password). */
public final class ManagementLogin {

    public static final String ADMIN = "admin:test-admin-password";

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ManagementLogin() {
    }

    public static String basic(String login) {
        return "Basic " + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8));
    }

    /** A Jolokia request (JSON) on the management port with the admin's login; the answer's body. */
    public static String jolokia(int managementPort, String json) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/actuator/jolokia"))
                .header("Content-Type", "application/json").header("Authorization", basic(ADMIN))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** GET {@code path} on the management port with the admin's login. */
    public static HttpResponse<String> get(int managementPort, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                .header("Authorization", basic(ADMIN)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
