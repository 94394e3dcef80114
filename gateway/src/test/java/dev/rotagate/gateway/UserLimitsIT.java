package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.pool.testing.RawHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Per-user {@code rate} and {@code max-connections}, from the outside. */
class UserLimitsIT extends WithOrigin {

    private static String get(String user) {
        String auth = Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8));
        return "GET http://127.0.0.1:" + origin.port() + "/bytes/10 HTTP/1.1\r\nHost: x\r\nProxy-Authorization: Basic " + auth
                + "\r\n\r\n";
    }

    @Test
    void aUserOverItsRateGets429AndOthersAreUntouched() throws Exception {
        try (TestGateway gw = TestGateway.start(vertx, "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\nauth:\n  users:\n"
                + "    - { username: slow, password: pw, rate: 2 }\n    - { username: free, password: pw }\n"
                + "pools:\n  local:\n    upstreams: [ \"direct://\" ]\n");
             RawHttpClient slow = new RawHttpClient(gw.port());
             RawHttpClient free = new RawHttpClient(gw.port())) {
            int limited = 0;
            for (int i = 0; i < 20; i++) {
                RawHttpClient.Response r = slow.exchange(get("slow"));
                if (r.status() == 429) {
                    limited++;
                    assertThat(r.header("X-Rotagate-Error")).isEqualTo("rate-limited");
                    assertThat(r.header("Retry-After")).isEqualTo("1");
                } else {
                    assertThat(r.status()).isEqualTo(200);
                }
                assertThat(free.exchange(get("free")).status()).isEqualTo(200);
            }
            assertThat(limited).as("20 requests at 2/s").isGreaterThanOrEqualTo(10);

            String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gw.server().adminPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("rotagate_user_errors_total{kind=\"rate-limited\",user=\"slow\"} " + limited + ".0")
                    .contains("rotagate_user_requests_total{user=\"free\"} 20.0")
                    .contains("rotagate_user_upstream_to_client_bytes_total{user=\"free\"} 200.0");
        }
    }

    @Test
    void aUserAtItsMaxConnectionsGets429OnAnotherConnection() throws Exception {
        try (TestGateway gw = TestGateway.start(vertx, "listen: 127.0.0.1:0\nauth:\n  users:\n"
                + "    - { username: one, password: pw, max-connections: 1 }\n"
                + "pools:\n  local:\n    upstreams: [ \"direct://\" ]\n");
             RawHttpClient first = new RawHttpClient(gw.port())) {
            assertThat(first.exchange(get("one")).status()).isEqualTo(200);
            try (RawHttpClient second = new RawHttpClient(gw.port())) {
                RawHttpClient.Response r = second.exchange(get("one"));
                assertThat(r.status()).isEqualTo(429);
                assertThat(r.bodyText()).contains("max-connections");
            }
            assertThat(first.exchange(get("one")).status()).as("the first connection goes on").isEqualTo(200);
        }
    }
}
