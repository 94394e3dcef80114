package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.gateway.GatewayServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The clients scrapers really use, against a gateway that asks for credentials, chained to a real microsocks:
 * python-requests over HTTP (with, without and with wrong credentials), over SOCKS5 (PySocks, when installed),
 * and a Scrapy spider.
 */
class PythonClientsIT {

    private static final String USER = "scraper";
    private static final String PASSWORD = "s3cret.pw";

    private static InteropFixture fx;
    private static GatewayServer gateway;

    @BeforeAll
    static void start() {
        fx = InteropFixture.start();
        Interop.binary(Interop.PYTHON, "python3");
        ProxyProcess microsocks = fx.proxies().microsocks("python", null, null);
        gateway = fx.gateway(List.of(InteropFixture.named(microsocks.url("socks5h", null), "ms")),
                "auth: { users: [ { username: " + USER + ", password: " + PASSWORD + " } ] }");
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    private static String proxy(String scheme, String credentials) {
        return scheme + "://" + (credentials == null ? "" : credentials + "@") + "127.0.0.1:" + gateway.port();
    }

    @Test
    void requestsWithCredentialsGetsTheOriginsAnswers() {
        PythonClients.Run run = PythonClients.requests(fx.clientDir(), proxy("http", USER + ":" + PASSWORD), 3,
                List.of(fx.origin().url("/small"), fx.origin().url("/big"), fx.origin().url("/headers")));

        assertThat(run.process().exitCode()).as(run::describe).isZero();
        assertThat(run.responses()).as(run::describe).hasSize(3);
        for (PythonClients.Response r : run.responses()) {
            assertThat(r.error()).as(run::describe).isNull();
            assertThat(r.status()).as(run::describe).isEqualTo(200);
            assertThat(r.upstream()).as(run::describe).isEqualTo("ms");
        }
        assertThat(run.responses().get(0).text()).isEqualTo(OriginServer.SMALL_TEXT);
        assertThat(run.responses().get(1).sha256()).isEqualTo(OriginServer.BIG_SHA256);
        // what reached the origin: origin-form through the SOCKS tunnel, no proxy credentials, no hop-by-hop headers
        String seen = run.responses().get(2).text();
        assertThat(seen).as(run::describe).startsWith("GET /headers\n")
                .contains("host: 127.0.0.1:" + fx.origin().port())
                .doesNotContain("proxy-authorization")
                .doesNotContain("proxy-connection");
    }

    @Test
    void requestsWithoutCredentialsGets407() {
        PythonClients.Run run = PythonClients.requests(fx.clientDir(), proxy("http", null), 1,
                List.of(fx.origin().url("/small")));

        assertThat(run.process().exitCode()).as(run::describe).isZero();
        PythonClients.Response r = run.responses().get(0);
        assertThat(r.status()).as(run::describe).isEqualTo(407);
        assertThat(r.header("proxy-authenticate")).as(run::describe).isEqualTo("Basic realm=\"rotagate\"");
        assertThat(r.header("x-rotagate-error")).as(run::describe).isEqualTo("auth-required");
        assertThat(r.text()).as(run::describe).startsWith("rotagate: ");
    }

    @Test
    void requestsWithAWrongPasswordGets407() {
        PythonClients.Run run = PythonClients.requests(fx.clientDir(), proxy("http", USER + ":not-it"), 1,
                List.of(fx.origin().url("/small")));

        assertThat(run.process().exitCode()).as(run::describe).isZero();
        assertThat(run.responses().get(0).status()).as(run::describe).isEqualTo(407);
        assertThat(run.responses().get(0).header("x-rotagate-error")).as(run::describe).isEqualTo("auth-required");
    }

    @Test
    void requestsOverSocks5hWithCredentials() {
        Interop.optionalPythonModule("socks", "python3-socks");

        PythonClients.Run run = PythonClients.requests(fx.clientDir(), proxy("socks5h", USER + ":" + PASSWORD), 2,
                List.of(fx.origin().url("/small"), fx.origin().url("/big")));

        assertThat(run.process().exitCode()).as(run::describe).isZero();
        assertThat(run.responses()).as(run::describe).allSatisfy(r -> {
            assertThat(r.error()).isNull();
            assertThat(r.status()).isEqualTo(200);
        });
        assertThat(run.responses().get(0).text()).isEqualTo(OriginServer.SMALL_TEXT);
        assertThat(run.responses().get(1).sha256()).isEqualTo(OriginServer.BIG_SHA256);
    }

    @Test
    void requestsOverSocks5hWithAWrongPasswordIsRefused() {
        Interop.optionalPythonModule("socks", "python3-socks");

        PythonClients.Run run = PythonClients.requests(fx.clientDir(), proxy("socks5h", USER + ":not-it"), 1,
                List.of(fx.origin().url("/small")));

        assertThat(run.process().exitCode()).as(run::describe).isZero();
        assertThat(run.responses().get(0).status()).as(run::describe).isNull();
        assertThat(run.responses().get(0).error()).as(run::describe).isNotNull();
    }

    @Test
    void scrapySpiderThroughTheGateway() {
        PythonClients.Run run = PythonClients.scrapy(fx.clientDir(), proxy("http", USER + ":" + PASSWORD),
                List.of(fx.origin().url("/small"), fx.origin().url("/big")));

        assertThat(run.process().exitCode()).as(run::describe).isZero();
        assertThat(run.responses()).as(run::describe).hasSize(2);
        assertThat(run.responses()).as(run::describe).allSatisfy(r -> {
            assertThat(r.error()).isNull();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.upstream()).isEqualTo("ms");
        });
        assertThat(run.responses().get(0).sha256())
                .isEqualTo(OriginServer.sha256(OriginServer.SMALL_TEXT.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(run.responses().get(1).sha256()).as(run::describe).isEqualTo(OriginServer.BIG_SHA256);
        assertThat(run.process().took().toSeconds()).as(run::describe).isLessThan(20);
    }
}
