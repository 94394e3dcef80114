package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotagate.pool.testing.FakeUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin listener with a token: only the probes' endpoints are open; the report, metrics, status page and every
 * change need the token. Without a token it must stay on loopback. Error bodies name upstreams by name only.
 */
class AdminSecurityIT extends WithOrigin {

    static final String TOKEN = "s3cret-token";
    static FakeUpstream dead;
    static TestGateway gw;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        dead = FakeUpstream.start(vertx, FakeUpstream.Mode.REFUSE, "dead");
        gw = TestGateway.start(vertx, "listen: 127.0.0.1:0\nadmin: { address: 127.0.0.1:0, token: " + TOKEN + " }\n"
                + "retry: { attempts: 1 }\n"
                + "pools:\n  p:\n    upstreams:\n      - { url: \"http://alice:pw@127.0.0.1:" + dead.port() + "\", name: dc1 }\n");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        dead.close();
    }

    private static HttpResponse<String> admin(String method, String path, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.server().adminPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void everythingButTheProbesNeedsTheToken() throws Exception {
        assertThat(admin("GET", "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(admin("GET", "/readyz", null).statusCode()).isIn(200, 503);
        for (String path : new String[] {"/api/report", "/api/upstreams", "/api/config", "/metrics", "/"}) {
            assertThat(admin("GET", path, null).statusCode()).as(path).isEqualTo(401);
            assertThat(admin("GET", path, "Bearer wrong").statusCode()).as(path).isEqualTo(401);
            assertThat(admin("GET", path, "Bearer " + TOKEN).statusCode()).as(path).isEqualTo(200);
        }
        HttpResponse<String> page = admin("GET", "/", null);
        assertThat(page.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
        String basic = "Basic " + Base64.getEncoder().encodeToString(("ops:" + TOKEN).getBytes(StandardCharsets.UTF_8));
        assertThat(admin("GET", "/", basic).statusCode()).isEqualTo(200);
        assertThat(admin("POST", "/api/upstreams/dc1/disable", null).statusCode()).isEqualTo(401);
        assertThat(admin("POST", "/api/upstreams/dc1/disable", "Bearer " + TOKEN.substring(1)).statusCode()).isEqualTo(401);
    }

    @Test
    void anAdminListenerOtherMachinesCanReachNeedsAToken() {
        assertThatThrownBy(() -> TestGateway.start(vertx, "listen: 127.0.0.1:0\nadmin: 0.0.0.0:0\n"
                + "pools:\n  p:\n    upstreams: [ \"direct://\" ]\n"))
                .hasMessageContaining("admin").hasMessageContaining("token");
    }

    @Test
    void errorBodiesNameTheUpstreamByNameOnly() throws Exception {
        Wire.Reply reply = Wire.send(gw.port(), ("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1), 5_000);

        assertThat(reply.status()).as(reply.toString()).isEqualTo(502);
        String body = reply.text().substring(reply.text().indexOf("\r\n\r\n"));
        assertThat(body).contains("dc1").doesNotContain("alice").doesNotContain(":" + dead.port());
    }

    @Test
    void fullErrorDetailShowsTheUrlWithTheSecretMasked() throws Exception {
        try (TestGateway full = TestGateway.start(vertx, "listen: 127.0.0.1:0\nserver: { error-detail: full }\n"
                + "retry: { attempts: 1 }\n"
                + "pools:\n  p:\n    upstreams:\n      - { url: \"http://alice:pw@127.0.0.1:" + dead.port() + "\", name: dc1 }\n")) {
            Wire.Reply reply = Wire.send(full.port(), ("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1), 5_000);
            assertThat(reply.text()).contains("alice:****@127.0.0.1:" + dead.port()).doesNotContain(":pw@");
        }
    }
}
