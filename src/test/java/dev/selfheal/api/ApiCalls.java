package dev.selfheal.api;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain HTTP calls to the API on the public port, as a dashboard would make them. */
final class ApiCalls {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    ApiCalls(int port) {
        this.port = port;
    }

    HttpResponse<String> get(String pathAndQuery, String key) {
        return send(request(pathAndQuery, key).GET());
    }

    HttpResponse<String> post(String path, String key, String contentType, String body) {
        return send(request(path, key).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> delete(String path, String key) {
        return send(request(path, key).DELETE());
    }

    HttpRequest.Builder request(String pathAndQuery, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                .timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request.build(), body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
