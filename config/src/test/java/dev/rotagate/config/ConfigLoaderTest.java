package dev.rotagate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rotagate.common.Cidr;
import dev.rotagate.common.HostAndPort;
import dev.rotagate.common.UpstreamScheme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
                "gw.yaml:2: pols: unknown key 'pols' (did you mean 'pools'?); known keys: listen, admin, auth, pools, routes, timeouts, server, breaker, retry, bans, health, targets, log, cluster",
                "gw.yaml:4: timeouts.connect: duration: 5 seconds (expected: a number and a unit: ms, s, m, h or d, e.g. 5s)",
                "gw.yaml:5: timeouts.idel: unknown key 'idel' (did you mean 'idle'?); known keys: connect, handshake, response, idle, request, half-closed",
                "gw.yaml:8: pools.dc.strategy: unknown strategy 'fastest' (expected: round-robin, weighted, random, least-connections, least-latency)",
                "gw.yaml:10: pools.dc.upstreams[0]: scheme: ftp (expected: http, https, socks4, socks4a, socks5, socks5h or direct)",
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

    @Test
    void httpsUpstreamsTakeACaFileOrInsecureAndTunnelCanBeAlways(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, TEST_CERTIFICATE);
        GatewayConfig c = loader.parse("""
                pools:
                  tls:
                    tunnel: always
                    upstreams:
                      - https://u:p@proxy.example:8443
                      - { url: "https://10.0.0.2", name: own-ca, ca-file: ca.pem, tunnel: auto }
                      - { url: "https://10.0.0.3", name: unchecked, insecure: true }
                  plain:
                    upstreams: [ "http://10.0.0.4:3128", "socks5://10.0.0.5" ]
                """, dir.resolve("gw.yaml"));

        List<UpstreamConfig> tls = c.pools().get(0).upstreams();
        assertThat(tls.get(0).url().scheme()).isEqualTo(UpstreamScheme.HTTPS);
        assertThat(tls.get(0).url().port()).isEqualTo(8443);
        assertThat(tls.get(0).tls()).isEqualTo(UpstreamConfig.Tls.VERIFIED);
        assertThat(tls.get(0).tunnelAlways()).isTrue();
        assertThat(tls.get(0).absoluteForm()).isFalse();
        assertThat(tls.get(1).url().port()).isEqualTo(443);
        assertThat(tls.get(1).tls().caFile()).isEqualTo(ca);
        assertThat(tls.get(1).tunnelAlways()).isFalse();
        assertThat(tls.get(1).absoluteForm()).isTrue();
        assertThat(tls.get(2).tls().insecure()).isTrue();
        assertThat(c.insecureUpstreams()).containsExactly("tls/unchecked");
        List<UpstreamConfig> plain = c.pools().get(1).upstreams();
        assertThat(plain.get(0).absoluteForm()).isTrue();
        assertThat(plain.get(1).absoluteForm()).as("SOCKS always tunnels").isFalse();
    }

    @Test
    void tlsKeysAreCheckedWhereTheyAreWritten(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        List<String> problems;
        try {
            loader.parse("""
                    pools:
                      p:
                        upstreams:
                          - { url: "http://10.0.0.1:3128", insecure: true }
                          - { url: "https://10.0.0.2", ca-file: missing.pem }
                          - { url: "https://10.0.0.3", ca-file: junk.pem }
                          - { url: "https://10.0.0.4", tunnel: sometimes }
                    """, dir.resolve("gw.yaml"));
            throw new AssertionError("expected problems");
        } catch (ConfigException e) {
            problems = e.problems().stream().map(ConfigProblem::toString).map(p -> p.replace(dir + "/", "")).toList();
        }

        assertThat(problems).hasSize(4);
        assertThat(problems.get(0)).isEqualTo("gw.yaml:4: pools.p.upstreams[0].insecure: insecure applies to https:// upstreams"
                + " only (this one is http://)");
        assertThat(problems.get(1)).startsWith("gw.yaml:5: pools.p.upstreams[1].ca-file: ca-file missing.pem cannot be read");
        assertThat(problems.get(2)).startsWith("gw.yaml:6: pools.p.upstreams[2].ca-file: ca-file junk.pem is not a PEM certificate file");
        assertThat(problems.get(3)).isEqualTo("gw.yaml:7: pools.p.upstreams[3].tunnel: tunnel: 'sometimes' (expected: always,"
                + " or auto: plain HTTP in absolute form to http:// and https:// upstreams)");
    }

    @Test
    void listenTakesAListOfAddressesPortRangesAndBoundListeners() throws Exception {
        GatewayConfig c = parse("""
                listen:
                  - 127.0.0.1:8080
                  - { address: 127.0.0.1, ports: 10000-10099, session: port, pool: residential }
                  - { address: "127.0.0.1:9090", user: crawler, tags: [us], name: crawler-port }
                auth:
                  users: [ { username: crawler, password: pw } ]
                pools:
                  dc: { upstreams: [ "http://10.0.0.1:3128" ] }
                  residential: { upstreams: [ { url: "http://10.0.0.2:3128", tags: [us] } ] }
                """);

        assertThat(c.listen()).isEqualTo(HostAndPort.of("127.0.0.1", 8080));
        assertThat(c.listeners()).hasSize(3);
        ListenerConfig range = c.listeners().get(1);
        assertThat(range.name()).isEqualTo("127.0.0.1:10000-10099");
        assertThat(range.portCount()).isEqualTo(100);
        assertThat(range.sessionPerPort()).isTrue();
        assertThat(range.pool()).isEqualTo("residential");
        assertThat(range.sessionFor(10042)).isEqualTo("port10042");
        ListenerConfig bound = c.listeners().get(2);
        assertThat(bound.name()).isEqualTo("crawler-port");
        assertThat(bound.user()).isEqualTo("crawler");
        assertThat(bound.tags()).containsExactly("us");
        assertThat(bound.address()).isEqualTo(HostAndPort.of("127.0.0.1", 9090));
    }

    @Test
    void listenerProblemsAreLocated() {
        List<String> problems = problems("""
                listen:
                  - 127.0.0.1:8080
                  - { address: 127.0.0.1, ports: 8000-8100 }
                  - { address: 127.0.0.1, ports: 9000-1 }
                  - { address: 127.0.0.1, ports: 20000-29999 }
                  - { address: 127.0.0.1:9090, user: nobody, pool: nowhere, session: sometimes }
                  - { address: 0.0.0.0:7070, user: crawler }
                auth:
                  users: [ { username: crawler, password: pw } ]
                pools:
                  dc: { upstreams: [ "http://10.0.0.1:3128" ] }
                """);

        assertThat(problems).contains(
                "gw.yaml:3: listen[1]: 127.0.0.1:8000-8100 overlaps 127.0.0.1:8080 (line 2)",
                "gw.yaml:4: listen[2].ports: ports: 9000-1 (expected: 1-65535, the first not above the last)",
                "gw.yaml:5: listen[3].ports: ports: 20000-29999 is 10000 ports (expected: at most 1000)",
                "gw.yaml:6: listen[4].session: session: 'sometimes' (expected: port, each port its own sticky session; or none)");
        assertThat(problems).anyMatch(p -> p.contains("user 'nobody' is not in auth.users"));
        assertThat(problems).anyMatch(p -> p.contains("unknown pool 'nowhere' (pools: dc)"));
        assertThat(problems).anyMatch(p -> p.contains("0.0.0.0:7070 is reachable from other machines and asks no client for"
                + " credentials (it makes every client user crawler)"));
    }

    @Test
    void allowIpsPerGatewayAndPerUserAndTheProxyProtocolPeersTheyNeed() throws Exception {
        GatewayConfig c = parse("""
                listen: 0.0.0.0:8080
                auth:
                  allow-ips: [ 10.0.0.0/8 ]
                  users: [ { username: office, password: pw, allow-ips: [ "192.0.2.0/24", "2001:db8::/32" ] } ]
                pools: { p: { upstreams: [ "direct://" ] } }
                """);

        assertThat(c.auth().allowIps()).containsExactly(Cidr.parse("10.0.0.0/8"));
        assertThat(c.auth().users().get(0).allowIps()).hasSize(2);
        assertThat(c.auth().byAddress()).isTrue();
        assertThat(problems("""
                server: { proxy-protocol: true }
                auth: { allow-ips: [ 10.0.0.0/8 ] }
                pools: { p: { upstreams: [ "direct://" ] } }
                """)).singleElement().asString().contains("server.proxy-protocol-from: allow-ips trusts the client address");
        assertThat(parse("""
                server: { proxy-protocol: true, proxy-protocol-from: [ 127.0.0.1 ] }
                auth: { allow-ips: [ 10.0.0.0/8 ] }
                pools: { p: { upstreams: [ "direct://" ] } }
                """).server().proxyProtocolFrom()).containsExactly(Cidr.parse("127.0.0.1"));
        assertThat(problems("""
                auth: { allow-ips: [ 10.0.0.0/33 ] }
                pools: { p: { upstreams: [ "direct://" ] } }
                """)).singleElement().asString().startsWith("gw.yaml:1: auth.allow-ips[0]:");
    }

    @Test
    void aClusterMemberCanTakeItsAddressFromTheEnvironmentAndJoinByName() throws Exception {
        GatewayConfig c = new ConfigLoader(Map.of("POD_IP", "10.1.2.3", "CLUSTER_SECRET", "a-secret-of-16-chars")::get)
                .parse("""
                        cluster: { name: scrapers, bind: "${POD_IP}:5701", secret: "${CLUSTER_SECRET}",
                                   members: ["rotagate-0.rotagate-hz.scraping.svc.cluster.local:5701", "rotagate-1.rotagate-hz"] }
                        pools: { p: { upstreams: [ "http://127.0.0.1:3128" ] } }
                        """, Path.of("k8s.yaml"));

        assertThat(c.cluster().bind()).isEqualTo(HostAndPort.of("10.1.2.3", 5701));
        assertThat(c.cluster().members()).containsExactly(
                HostAndPort.of("rotagate-0.rotagate-hz.scraping.svc.cluster.local", 5701),
                HostAndPort.of("rotagate-1.rotagate-hz", 5701));
    }

    @Test
    void theShippedClusterExamplesAreTwoMembersOfOneCluster() throws Exception {
        ConfigLoader withSecrets = new ConfigLoader(Map.of("CLUSTER_SECRET", "an-example-secret-0123",
                "SCRAPER_PASSWORD", "pw")::get);
        GatewayConfig a = withSecrets.load(Path.of("..", "examples", "cluster", "rotagate-a.yaml"));
        GatewayConfig b = withSecrets.load(Path.of("..", "examples", "cluster", "rotagate-b.yaml"));

        assertThat(a.cluster().name()).isEqualTo(b.cluster().name());
        assertThat(a.cluster().members()).isEqualTo(b.cluster().members())
                .contains(a.cluster().bind(), b.cluster().bind());
        assertThat(a.cluster().bind()).isNotEqualTo(b.cluster().bind());
        assertThat(a.server().proxyProtocol()).isTrue();
        assertThat(a.server().proxyProtocolFrom()).isEqualTo(b.server().proxyProtocolFrom()).isNotEmpty();
    }

    @Test
    void aClusterNeedsANameMembersAndALongEnoughSecretThatNeverShows() throws Exception {
        GatewayConfig c = parse("""
                cluster: { name: scrapers, bind: "127.0.0.1:5701", members: ["127.0.0.1:5701", "127.0.0.1:5702"], secret: "${PW}-and-more-text" }
                pools: { p: { upstreams: [ "direct://" ] } }
                """);

        assertThat(c.cluster().members()).containsExactly(HostAndPort.of("127.0.0.1", 5701), HostAndPort.of("127.0.0.1", 5702));
        assertThat(c.cluster().secret()).isEqualTo("from-env-and-more-text");
        assertThat(c.cluster().toString()).doesNotContain("from-env");
        assertThat(parse("pools: { p: { upstreams: [ \"direct://\" ] } }\n").cluster()).isNull();
        assertThat(problems("""
                cluster: { name: scrapers, members: ["127.0.0.1:5701"], secret: short }
                pools: { p: { upstreams: [ "direct://" ] } }
                """)).singleElement().asString().contains("the secret has 5 characters (expected: at least 16)");
    }

    /** A self-signed certificate (openssl req -x509, EC P-256), only ever parsed here. */
    private static final String TEST_CERTIFICATE = """
            -----BEGIN CERTIFICATE-----
            MIIBiDCCAS2gAwIBAgIUGax1m0yjCHafnGcnRplJMMkcriYwCgYIKoZIzj0EAwIw
            GDEWMBQGA1UEAwwNcm90YWdhdGUtdGVzdDAgFw0yNjEyMDExOTU0NDNaGA8yMTI2
            MTEwNzE5NTQ0M1owGDEWMBQGA1UEAwwNcm90YWdhdGUtdGVzdDBZMBMGByqGSM49
            AgEGCCqGSM49AwEHA0IABFeG/PdVkWR0DeekqsMvVUcpl40Q6B4kVM4CA+oz4bRG
            LzULhne1LMluIwsdUvqiVEknbE94iNrYEzlwuIWPfaKjUzBRMB0GA1UdDgQWBBR9
            DlYrjzBzpxQ/oo0iw9/YSrXUSTAfBgNVHSMEGDAWgBR9DlYrjzBzpxQ/oo0iw9/Y
            SrXUSTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQD+kOrYTHuJ
            5oV/4NLaG9jOHo4JXDVM5JSOArCAEZ9dQwIhAJMO6l8xpXSVqQqh/oHT+zTnv+5i
            uqKCGP/JySHxL0yk
            -----END CERTIFICATE-----
            """;
}
