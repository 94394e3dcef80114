package dev.rotagate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotagate.common.UpstreamScheme;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {

    private final ConfigLoader loader = new ConfigLoader(Map.of("PW", "from-env", "EMPTY", "")::get);

    private GatewayConfig parse(String yaml) throws ConfigException {
        return loader.parse(yaml, Path.of("gw.yaml"));
    }

    private List<String> problems(String yaml) {
        try {
            parse(yaml);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("expected problems in:\n" + yaml);
    }

    @Test
    void readsAFullConfigWithDefaultsForWhatIsLeftOut() throws Exception {
        GatewayConfig c = parse("""
                listen: 127.0.0.1:9090
                auth:
                  users:
                    - { username: scraper, password: "${PW}" }
                pools:
                  dc:
                    strategy: round-robin
                    upstreams:
                      - http://u:p@10.0.0.1:3128
                      - socks5h://10.0.0.2:1080
                      - { url: "http://10.0.0.3:8080", name: dc-3, weight: 3, tags: [us, fast] }
                  home:
                    upstreams: [ "direct://" ]
                timeouts: { connect: 2s }
                """);

        assertThat(c.listen().port()).isEqualTo(9090);
        assertThat(c.auth().users()).containsExactly(new UserConfig("scraper", "from-env"));
        assertThat(c.pools()).extracting(PoolConfig::name).containsExactly("dc", "home");
        assertThat(c.defaultPool().upstreams()).extracting(UpstreamConfig::name)
                .containsExactly("10.0.0.1:3128", "10.0.0.2:1080", "dc-3");
        assertThat(c.defaultPool().upstreams().get(1).url().scheme()).isEqualTo(UpstreamScheme.SOCKS5H);
        assertThat(c.defaultPool().upstreams().get(2).weight()).isEqualTo(3);
        assertThat(c.defaultPool().upstreams().get(2).tags()).containsExactly("us", "fast");
        assertThat(c.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.timeouts().handshake()).isEqualTo(TimeoutsConfig.DEFAULTS.handshake());
        assertThat(c.server()).isEqualTo(ServerConfig.DEFAULTS);
    }

    @Test
    void environmentVariablesWithDefaults() throws Exception {
        GatewayConfig c = parse("""
                auth: { users: [ { username: a, password: "${MISSING:-fallback}" }, { username: b, password: "x${EMPTY:-d}y" } ] }
                pools: { p: { upstreams: [ "direct://" ] } }
                """);

        assertThat(c.auth().users()).extracting(UserConfig::password).containsExactly("fallback", "xdy");
        assertThat(problems("""
                auth: { users: [ { username: a, password: "${MISSING}" } ] }
                pools: { p: { upstreams: [ "direct://" ] } }
                """)).containsExactly("gw.yaml:1: auth.users[0].password: environment variable MISSING is not set"
                + " (write ${MISSING:-default} for a default)");
    }

    @Test
    void everyProblemIsListedWithItsLine() {
        List<String> problems = problems("""
                listen: 127.0.0.1:8080
                pols: {}
                timeouts:
                  connect: 5 seconds
                  idel: 1m
                pools:
                  dc:
                    strategy: fastest
                    upstreams:
                      - ftp://10.0.0.1:21
                      - http://10.0.0.2:3128
                      - http://10.0.0.2:3128
                      - { name: no-url }
                      - { url: "http://10.0.0.4:1", weight: 0 }
                  empty:
                    upstreams: []
                """);

        assertThat(problems).containsExactly(
                "gw.yaml:2: pols: unknown key 'pols' (did you mean 'pools'?); known keys: listen, admin, auth, pools, routes, timeouts, server, breaker, retry, bans, health, targets, log",
                "gw.yaml:4: timeouts.connect: duration: 5 seconds (expected: a number and a unit: ms, s, m, h or d, e.g. 5s)",
                "gw.yaml:5: timeouts.idel: unknown key 'idel' (did you mean 'idle'?); known keys: connect, handshake, response, idle, request, half-closed",
                "gw.yaml:8: pools.dc.strategy: unknown strategy 'fastest' (expected: round-robin, weighted, random, least-connections, least-latency)",
                "gw.yaml:10: pools.dc.upstreams[0]: scheme: ftp (expected: http, socks4, socks4a, socks5, socks5h or direct)",
                "gw.yaml:12: pools.dc.upstreams[2]: duplicate upstream name '10.0.0.2:3128' in this pool (set name: to tell them apart)",
                "gw.yaml:13: pools.dc.upstreams[3]: url: missing (expected: { url: http://host:port, name: ..., weight: ..., tags: [...] })",
                "gw.yaml:14: pools.dc.upstreams[4].weight: 0 is out of range (expected: 1 to 1000)",
                "gw.yaml:16: pools.empty: pool 'empty' has no upstreams (expected: a list under upstreams:, or upstream-files:)");
    }

    @Test
    void routesSessionsCapsAndUserPools() throws Exception {
        GatewayConfig c = parse("""
                auth: { users: [ { username: a, password: b, pool: home } ] }
                pools:
                  dc:
                    session-ttl: 30s
                    max-connections: 10
                    upstreams: [ "http://10.0.0.1:3128", { url: "http://10.0.0.2:3128", max-connections: 2 } ]
                  home: { upstreams: [ "direct://" ] }
                routes:
                  - { match: ["*.example.com", "example.org"], pool: home }
                  - { match: "localhost", pool: dc }
                """);

        assertThat(c.defaultPool().sessionTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.defaultPool().upstreams()).extracting(UpstreamConfig::maxConnections).containsExactly(10, 2);
        assertThat(c.auth().users().get(0).pool()).isEqualTo("home");
        assertThat(c.routes()).hasSize(2);
        assertThat(c.routes().get(0).matches("www.EXAMPLE.com")).isTrue();
        assertThat(c.routes().get(0).matches("example.com")).isFalse();
        assertThat(c.routes().get(0).matches("example.org")).isTrue();
        assertThat(c.routes().get(1).matches("localhost")).isTrue();
        assertThat(problems("""
                auth: { users: [ { username: a, password: b, pool: nope } ] }
                pools: { p: { upstreams: [ "direct://" ] } }
                routes:
                  - { match: ["*"], pool: missing }
                  - { pool: p }
                """)).containsExactly(
                "gw.yaml:1: auth.users.a.pool: unknown pool 'nope' (pools: p)",
                "gw.yaml:4: routes[0]: route to unknown pool 'missing' (pools: p)",
                "gw.yaml:5: routes[1]: match: missing (expected: a host glob or a list of them, e.g. [\"*.example.com\"])");
    }

    @Test
    void yamlSyntaxErrorsHaveLineAndColumn() {
        assertThat(problems("pools:\n  p:\n    upstreams: [ \"direct://\"\n  bad: [\n"))
                .singleElement().asString().startsWith("gw.yaml:4: YAML syntax error at column");
        assertThat(problems("pools:\n\tp: {}\n")).singleElement().asString()
                .startsWith("gw.yaml:2: YAML syntax error at column 1");
    }

    @Test
    void anEmptyFileIsRefusedNotTakenAsNoPools() {
        assertThat(problems("")).containsExactly("gw.yaml: the file is empty (expected: at least a pools: section)");
        assertThat(problems("# only a comment\n")).containsExactly("gw.yaml: the file is empty (expected: at least a pools: section)");
    }

    @Test
    void anOpenProxyOnAPublicAddressNeedsToBeAskedFor() throws Exception {
        assertThat(problems("listen: 0.0.0.0:8080\npools: { p: { upstreams: [ \"direct://\" ] } }\n"))
                .singleElement().asString().startsWith("gw.yaml:1: listen: 0.0.0.0:8080 is reachable from other machines");

        assertThat(parse("listen: 0.0.0.0:8080\nauth: { allow-open-proxy: true }\npools: { p: { upstreams: [ \"direct://\" ] } }\n")
                .auth().allowOpenProxy()).isTrue();
        assertThat(parse("listen: 0.0.0.0:8080\nauth: { users: [ { username: a, password: b } ] }\n"
                + "pools: { p: { upstreams: [ \"direct://\" ] } }\n").auth().required()).isTrue();
    }

    @Test
    void anAdminListenerOnAPublicAddressNeedsAToken() throws Exception {
        assertThat(problems("admin: 0.0.0.0:8081\npools: { p: { upstreams: [ \"direct://\" ] } }\n"))
                .singleElement().asString().startsWith("gw.yaml:1: admin: 0.0.0.0:8081 is reachable from other machines")
                .contains("admin.token");
        assertThat(parse("admin: { address: 0.0.0.0:8081, token: t }\npools: { p: { upstreams: [ \"direct://\" ] } }\n")
                .admin().token()).isEqualTo("t");
    }

    @Test
    void targetsAndTheNewServerKeys() throws Exception {
        GatewayConfig d = parse("pools: { p: { upstreams: [ \"direct://\" ] } }\n");
        assertThat(d.targets()).isEqualTo(TargetsConfig.DEFAULTS);
        assertThat(d.server().errorDetail()).isEqualTo(ServerConfig.ErrorDetail.NAME);

        GatewayConfig c = parse("""
                targets:
                  allow-private: true
                  allow: ["10.1.0.0/16", "10.2.0.0/16:5432", "db.internal:5432", "127.0.0.1:18080"]
                  deny-ports: [25, 465]
                server: { max-connections: 100, drain-timeout: 5s, error-detail: full }
                pools: { p: { upstreams: [ "direct://" ] } }
                """);
        assertThat(c.targets().allowPrivate()).isTrue();
        assertThat(c.targets().allow()).extracting(TargetRule::text)
                .containsExactly("10.1.0.0/16", "10.2.0.0/16:5432", "db.internal:5432", "127.0.0.1:18080");
        assertThat(c.targets().denyPorts()).containsExactlyInAnyOrder(25, 465);
        assertThat(c.server().maxConnections()).isEqualTo(100);
        assertThat(c.server().drainTimeout()).hasSeconds(5);
        assertThat(c.server().fullErrorDetail()).isTrue();
        assertThat(d.log()).isEqualTo(LogConfig.DEFAULTS);
        GatewayConfig logged = loader.parse("log: { access: json, access-file: logs/access.log }\n"
                + "pools: { p: { upstreams: [ \"direct://\" ] } }\n", Path.of("/etc/rotagate/gw.yaml"));
        assertThat(logged.log().access()).isEqualTo(LogConfig.AccessFormat.JSON);
        assertThat(logged.log().accessFile()).isEqualTo(Path.of("/etc/rotagate/logs/access.log"));
        assertThat(problems("log: { access: verbose }\npools: { p: { upstreams: [ \"direct://\" ] } }\n"))
                .singleElement().asString().contains("expected: text, json or off");

        assertThat(problems("""
                targets: { allow: ["db.internal", "10.0.0.0/99"], deny-ports: [0], allow-privat: true }
                server: { error-detail: everything }
                pools: { p: { upstreams: [ "direct://" ] } }
                """)).hasSize(5).anySatisfy(p -> assertThat(p).contains("allow-privat"))
                .anySatisfy(p -> assertThat(p).contains("a host name needs a port"))
                .anySatisfy(p -> assertThat(p).contains("expected: name or full"));
    }

    @Test
    void secretsAreNeverInMessagesOrToString() {
        List<String> problems = problems("pools: { p: { upstreams: [ \"http://u:hunter2@h:3128/x\" ] } }\n");

        assertThat(String.join("\n", problems)).doesNotContain("hunter2").contains("u:****@h");
        assertThat(new UserConfig("a", "hunter2").toString()).doesNotContain("hunter2");
    }

    @Test
    void missingFileIsAProblemNotACrash() {
        assertThatThrownBy(() -> loader.load(Path.of("/nonexistent/rotagate.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read the file");
    }
}
