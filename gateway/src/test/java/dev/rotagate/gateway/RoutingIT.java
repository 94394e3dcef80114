package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.RawHttpClient;
import dev.rotagate.pool.testing.RawHttpClient.Response;
import dev.rotagate.pool.testing.TestOrigin;
import java.io.DataInputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Sessions, pools, tags, routes, caps and credential templates, end to end through fake upstreams. */
class RoutingIT extends WithOrigin {

    static FakeUpstream a;
    static FakeUpstream b;
    static FakeUpstream c;
    static FakeUpstream other;
    static FakeUpstream provider;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws Exception {
        a = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "a");
        b = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "b");
        c = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "c");
        other = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "other");
        provider = FakeUpstream.start(vertx, FakeUpstream.Mode.RELAY, "provider");
        gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\n"
                + "timeouts: { connect: 2s, handshake: 2s, response: 5s, idle: 30s }\n"
                + "pools:\n"
                + "  main:\n    upstreams:\n"
                + "      - { url: \"" + a.url() + "\", name: a, tags: [us] }\n"
                + "      - { url: \"" + b.url() + "\", name: b, tags: [us, mobile] }\n"
                + "      - { url: \"" + c.url() + "\", name: c, tags: [de] }\n"
                + "  second:\n    max-connections: 1\n    upstreams:\n"
                + "      - { url: \"" + other.url() + "\", name: other }\n"
                + "  prov:\n    upstreams:\n"
                + "      - { url: \"http://cust-acme-sessid-{session}:pw@127.0.0.1:" + provider.port() + "\", name: prov }\n"
                + "routes:\n  - { match: [\"localhost\"], pool: second }\n"
                + "targets: { allow: [\"127.0.0.0/8\", \"localhost:" + origin.port() + "\"] }\n");
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        for (FakeUpstream f : List.of(a, b, c, other, provider)) {
            f.close();
        }
    }

    private static String basic(String user) {
        return "Proxy-Authorization: Basic " + Base64.getEncoder().encodeToString((user + ":x").getBytes()) + "\r\n";
    }

    private Response get(RawHttpClient client, String user, String extraHeaders) throws Exception {
        return client.exchange("GET " + origin.url("/bytes/10") + " HTTP/1.1\r\nHost: x\r\n"
                + (user == null ? "" : basic(user)) + extraHeaders + "\r\n");
    }

    private String connect(String user) throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            return client.exchange("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\n" + basic(user) + "\r\n")
                    .header("X-Rotagate-Upstream");
        }
    }

    /** Which upstream a SOCKS5 tunnel went through (the fake that saw one more request), or the failure reply. */
    private String socks5(String user, String pass) throws Exception {
        List<FakeUpstream> fakes = List.of(a, b, c);
        int[] before = fakes.stream().mapToInt(f -> f.seen().size()).toArray();
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(s.getInputStream());
            s.getOutputStream().write(new byte[] {5, 1, 2});
            in.readNBytes(2);
            byte[] u = user.getBytes(StandardCharsets.US_ASCII);
            byte[] auth = new byte[3 + u.length + pass.length()];
            auth[0] = 1;
            auth[1] = (byte) u.length;
            System.arraycopy(u, 0, auth, 2, u.length);
            auth[2 + u.length] = (byte) pass.length();
            System.arraycopy(pass.getBytes(StandardCharsets.US_ASCII), 0, auth, 3 + u.length, pass.length());
            s.getOutputStream().write(auth);
            in.readNBytes(2);
            s.getOutputStream().write(new byte[] {5, 1, 0, 1, 127, 0, 0, 1, (byte) (origin.port() >> 8), (byte) origin.port()});
            byte[] reply = in.readNBytes(10);
            if (reply[1] != 0) {
                return "socks-reply-" + reply[1];
            }
        }
        for (int i = 0; i < fakes.size(); i++) {
            if (fakes.get(i).seen().size() > before[i]) {
                return fakes.get(i).name();
            }
        }
        return null;
    }

    @Test
    void oneSessionStaysOnOneUpstreamAcrossHttpConnectAndSocks5() throws Exception {
        Set<String> seen = new HashSet<>();
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            for (int i = 0; i < 20; i++) {
                seen.add(get(client, "u-session-a1", "").header("X-Rotagate-Upstream"));
            }
        }
        for (int i = 0; i < 5; i++) {
            seen.add(connect("u-session-a1"));
        }
        String viaSocks = socks5("u-session-a1", "x");

        assertThat(seen).hasSize(1);
        assertThat(viaSocks).isEqualTo(seen.iterator().next());
    }

    @Test
    void differentSessionsSpreadAndTheSessionHeaderWorksToo() throws Exception {
        Set<String> upstreams = new HashSet<>();
        Set<String> headerSession = new HashSet<>();
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            for (int i = 0; i < 30; i++) {
                upstreams.add(get(client, "u-session-s" + i, "").header("X-Rotagate-Upstream"));
                headerSession.add(get(client, null, "X-Rotagate-Session: h1\r\n").header("X-Rotagate-Upstream"));
            }
        }

        assertThat(upstreams).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(headerSession).hasSize(1);
    }

    @Test
    void tagAndPoolHintsPickAndUnknownOnesAreRefused() throws Exception {
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            Set<String> us = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                us.add(get(client, "u-tag-us", "").header("X-Rotagate-Upstream"));
            }
            assertThat(us).containsExactlyInAnyOrder("a", "b");
            assertThat(get(client, "u-tag-us-tag-mobile", "").header("X-Rotagate-Upstream")).isEqualTo("b");
            assertThat(get(client, null, "X-Rotagate-Tag: de\r\n").header("X-Rotagate-Upstream")).isEqualTo("c");
            assertThat(get(client, "u-pool-second", "").header("X-Rotagate-Upstream")).isEqualTo("other");

            Response unknownPool = get(client, "u-pool-nope", "");
            Response unknownTag = get(client, "u-tag-fr", "");

            assertThat(unknownPool.status()).isEqualTo(400);
            assertThat(unknownPool.header("X-Rotagate-Error")).isEqualTo("unknown-route");
            assertThat(unknownPool.bodyText()).contains("unknown pool 'nope'");
            assertThat(unknownTag.status()).isEqualTo(400);
            assertThat(unknownTag.bodyText()).contains("carries the tags [fr]");
        }
        assertThat(socks5("u-pool-nope", "x")).isEqualTo("socks-reply-2");
    }

    @Test
    void routesSendLocalhostTargetsToTheSecondPool() throws Exception {
        other.seen().clear();
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            client.exchange("GET http://localhost:" + origin.port() + "/bytes/1 HTTP/1.1\r\nHost: x\r\n\r\n");
            Response ip = get(client, null, "");

            assertThat(other.seen()).singleElement().satisfies(s -> assertThat(s.uri()).startsWith("http://localhost:"));
            assertThat(ip.header("X-Rotagate-Upstream")).isIn("a", "b", "c");
        }
    }

    @Test
    void aFullPoolAnswers503WithRetryAfter() throws Exception {
        try (RawHttpClient holder = new RawHttpClient(gateway.port());
             RawHttpClient second = new RawHttpClient(gateway.port())) {
            Response held = holder.exchange("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\n" + basic("u-pool-second") + "\r\n");
            assertThat(held.status()).isEqualTo(200);

            Response refused = second.exchange("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1\r\n" + basic("u-pool-second") + "\r\n");

            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.header("X-Rotagate-Error")).isEqualTo("no-upstream");
            assertThat(refused.header("Retry-After")).isNotNull();
        }
    }

    @Test
    void credentialTemplatesGetTheSessionOrAFreshIdPerRequest() throws Exception {
        provider.seen().clear();
        try (RawHttpClient client = new RawHttpClient(gateway.port())) {
            get(client, "u-pool-prov-session-abc", "");
            get(client, "u-pool-prov-session-abc", "");
            get(client, "u-pool-prov", "");
            get(client, "u-pool-prov", "");
        }
        connect("u-pool-prov-session-abc");

        List<String> users = provider.seen().stream().map(s -> s.header("Proxy-Authorization"))
                .map(h -> new String(Base64.getDecoder().decode(h.substring(6)), StandardCharsets.UTF_8))
                .map(up -> up.substring(0, up.indexOf(':'))).toList();
        assertThat(users).hasSize(5);
        assertThat(users.get(0)).isEqualTo("cust-acme-sessid-abc");
        assertThat(users.get(1)).isEqualTo("cust-acme-sessid-abc");
        assertThat(users.get(2)).startsWith("cust-acme-sessid-").isNotEqualTo(users.get(3)).doesNotContain("{session}");
        assertThat(users.get(4)).isEqualTo("cust-acme-sessid-abc");
    }
}
