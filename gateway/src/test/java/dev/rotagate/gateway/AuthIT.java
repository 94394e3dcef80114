package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotagate.config.ConfigException;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.RawHttpClient.Response;
import dev.rotagate.pool.testing.TestOrigin;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Client authentication over HTTP Basic, and the refusal to run an open proxy on a public address. */
class AuthIT extends WithOrigin {

    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\nauth:\n  users:\n    - { username: scraper, password: \"p@ss:word\" }\n"
                + "pools:\n  p:\n    upstreams: [ \"direct://\" ]\n");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
    }

    private String get(String credentials) {
        String auth = credentials == null ? ""
                : "Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()) + "\r\n";
        return "GET " + origin.url("/bytes/10") + " HTTP/1.1\r\nHost: x\r\n" + auth + "\r\n";
    }

    @Test
    void withoutCredentials407ThenWithThem200OnTheSameConnection() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response refused = client.exchange(get(null));
            Response accepted = client.exchange(get("scraper:p@ss:word"));

            assertThat(refused.status()).isEqualTo(407);
            assertThat(refused.header("Proxy-Authenticate")).isEqualTo("Basic realm=\"rotagate\"");
            assertThat(refused.header("X-Rotagate-Error")).isEqualTo("auth-required");
            assertThat(accepted.status()).isEqualTo(200);
            assertThat(origin.seen().get(origin.seen().size() - 1).header("Proxy-Authorization"))
                    .as("client credentials are never forwarded").isNull();
        }
    }

    @Test
    void wrongPasswordOrUnknownUserIs407AndHintsInTheUsernameAreAccepted() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            assertThat(client.exchange(get("scraper:wrong")).status()).isEqualTo(407);
            assertThat(client.exchange(get("nobody:p@ss:word")).status()).isEqualTo(407);
            assertThat(client.exchange(get("scraper-session-a1:p@ss:word")).status()).isEqualTo(200);
            assertThat(client.exchange(get("scraper-session-bad!:p@ss:word")).status()).isEqualTo(400);
        }
    }

    @Test
    void connectNeedsCredentialsToo() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Response r = client.exchange("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\n\r\n");

            assertThat(r.status()).isEqualTo(407);
        }
    }

    @Test
    void openProxyOnANonLoopbackAddressIsRefusedUnlessAllowed() {
        assertThatThrownBy(() -> TestGateway.start(vertx, "listen: 0.0.0.0:0\npools:\n  p:\n    upstreams: [ \"direct://\" ]\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test.yaml:1: listen: 0.0.0.0:0 is reachable from other machines")
                .hasMessageContaining("allow-open-proxy");
    }
}
