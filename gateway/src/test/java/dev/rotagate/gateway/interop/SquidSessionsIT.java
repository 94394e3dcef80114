package dev.rotagate.gateway.interop;

import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.rotagate.gateway.GatewayServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sticky sessions, weighted rotation, routes and the {@code -pool-}/{@code -tag-} username hints through real squids,
 * with real curl as the client (issue 3's acceptance test). Four squids, each with its own {@code visible_hostname}:
 * pool {@code first} holds sq1 (tags us), sq2 (us, mobile) and sq3 (de), pool {@code second} holds sq4, and
 * {@code localhost} is routed to {@code second}. A second gateway has one weighted pool, sq1:sq2:sq3 = 1:1:2.
 * A plain response proves its squid twice: the gateway's {@code X-Rotagate-Upstream} and the squid's own
 * {@code Via}. A tunnel carries no header of the squid, so there the CONNECT answer's {@code X-Rotagate-Upstream}
 * and the squids' access logs (one {@code CONNECT host:port} line per tunnel) tell which squid carried it.
 */
class SquidSessionsIT {

    private static final List<String> FIRST = List.of("sq1", "sq2", "sq3");
    private static final String SECOND = "sq4";
    private static final Pattern VIA = Pattern.compile("rg-sessions-(sq\\d)");
    private static final int WEIGHTED_REQUESTS = 400;

    private static InteropFixture fx;
    private static final Map<String, ProxyProcess> SQUIDS = new LinkedHashMap<>();
    /** Pools first (round-robin, tagged) and second, {@code localhost} routed to second. */
    private static GatewayServer routed;
    /** One pool, {@code strategy: weighted}, 1:1:2. */
    private static GatewayServer weighted;

    @BeforeAll
    static void start() {
        fx = InteropFixture.start();
        Curl.requireInstalled();
        for (String name : List.of("sq1", "sq2", "sq3", "sq4")) {
            SQUIDS.put(name, fx.proxies().squid("rg-sessions-" + name));
        }
        routed = fx.gateway("""
                listen: 127.0.0.1:0
                pools:
                  first:
                    upstreams:
                      - { url: "%s", name: sq1, tags: [us] }
                      - { url: "%s", name: sq2, tags: [us, mobile] }
                      - { url: "%s", name: sq3, tags: [de] }
                  second:
                    upstreams:
                      - { url: "%s", name: sq4 }
                routes:
                  - { match: ["localhost"], pool: second }
                %s
                """.formatted(squidUrl("sq1"), squidUrl("sq2"), squidUrl("sq3"), squidUrl("sq4"),
                InteropFixture.TIMEOUTS));
        weighted = fx.gateway("""
                listen: 127.0.0.1:0
                pools:
                  weighted:
                    strategy: weighted
                    upstreams:
                      - { url: "%s", name: sq1, weight: 1 }
                      - { url: "%s", name: sq2, weight: 1 }
                      - { url: "%s", name: sq3, weight: 2 }
                %s
                """.formatted(squidUrl("sq1"), squidUrl("sq2"), squidUrl("sq3"), InteropFixture.TIMEOUTS));
    }

    @AfterAll
    static void stop() {
        SQUIDS.clear();
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void oneSessionStaysOnOneUpstreamOverTwentyCurlRuns() {
        Set<String> upstreams = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            Curl.Result result = plain(routed, "u-session-a1", List.of(fx.origin().url("/small?run=" + i)));

            upstreams.addAll(provenUpstreams(result));
        }

        assertThat(upstreams).as("upstreams that carried 20 curl runs of session a1").hasSize(1).isSubsetOf(FIRST);
    }

    @Test
    void differentSessionsSpreadOverTheUpstreams() {
        Map<String, String> upstreamBySession = new TreeMap<>();
        for (int s = 0; s < 20; s++) {
            String url = fx.origin().url("/small?session=s" + s);
            // two requests on one keep-alive connection: a session does not rotate per request either
            Curl.Result result = plain(routed, "u-session-s" + s, List.of(url, url));

            List<String> upstreams = provenUpstreams(result);
            assertThat(upstreams).as(result::describe).hasSize(2).containsOnly(upstreams.get(0));
            upstreamBySession.put("s" + s, upstreams.get(0));
        }

        assertThat(new HashSet<>(upstreamBySession.values()))
                .as("upstreams of sessions s0..s19: %s", upstreamBySession)
                .isSubsetOf(FIRST)
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void oneSessionUsesTheSameUpstreamThroughConnectAndSocks5Tunnels() {
        String url = fx.origin().url("/small");
        String sessionUpstream = provenUpstreams(plain(routed, "u-session-a1", List.of(url))).get(0);
        Map<String, Long> tunnelsBefore = tunnelsPerSquid();

        // unsessioned, three tunnels in a row would leave through three different squids (round-robin)
        for (int i = 0; i < 3; i++) {
            Curl.Result connect = Curl.fetch(fx.clientDir(),
                    List.of("-p", "-x", "http://u-session-a1:x@127.0.0.1:" + routed.port()), url);

            assertTunnelled(connect);
            assertThat(connect.first().header("X-Rotagate-Upstream")).as(connect::describe).isEqualTo(sessionUpstream);
        }
        for (int i = 0; i < 3; i++) {
            Curl.Result socks = Curl.fetch(fx.clientDir(), List.of("--socks5-hostname", "127.0.0.1:" + routed.port(),
                    "--proxy-user", "u-session-a1:x"), url);

            assertTunnelled(socks);
            assertThat(socks.heads()).as(socks::describe).hasSize(1);
        }

        // squid logs a tunnel when it ends, so the six lines may lag a moment behind curl's exit
        Map<String, Long> expected = new TreeMap<>();
        SQUIDS.keySet().forEach(name -> expected.put(name, name.equals(sessionUpstream) ? 6L : 0L));
        await("six tunnels of session a1 in the access log of " + sessionUpstream + " and no other squid's")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(minus(tunnelsPerSquid(), tunnelsBefore))
                        .as(SquidSessionsIT::accessLogs)
                        .isEqualTo(expected));
    }

    @Test
    void weightedPoolSplitsOneToOneToTwo() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < WEIGHTED_REQUESTS; i++) {
            urls.add(fx.origin().url("/small?n=" + i));
        }

        Curl.Result result = plain(weighted, "u", urls);

        List<String> upstreams = provenUpstreams(result);
        assertThat(upstreams).as(result::describe).hasSize(WEIGHTED_REQUESTS);
        Map<String, Long> counts = new TreeMap<>(upstreams.stream().collect(groupingBy(u -> u, counting())));
        Map<String, Double> expectedShare = Map.of("sq1", 0.25, "sq2", 0.25, "sq3", 0.50);
        assertThat(counts.keySet()).as("requests per squid: %s", counts).containsExactlyInAnyOrderElementsOf(FIRST);
        expectedShare.forEach((name, share) -> assertThat((double) counts.get(name) / WEIGHTED_REQUESTS)
                .as("share of %s with weights 1:1:2, requests per squid: %s", name, counts)
                .isCloseTo(share, within(0.05)));
    }

    @Test
    void localhostIsRoutedToTheSecondPoolAnd127001StaysOnTheFirst() {
        String localhost = "http://localhost:" + fx.origin().port() + "/small";
        String loopback = fx.origin().url("/small");

        Curl.Result routedResult = plain(routed, "u", List.of(localhost, localhost, localhost));
        Curl.Result defaultResult = plain(routed, "u", List.of(loopback, loopback, loopback));

        assertThat(provenUpstreams(routedResult)).as(routedResult::describe).containsOnly(SECOND);
        assertThat(provenUpstreams(defaultResult)).as(defaultResult::describe).hasSize(3).isSubsetOf(FIRST);
    }

    @Test
    void poolHintPicksTheSecondPool() {
        String url = fx.origin().url("/small");

        Curl.Result result = plain(routed, "u-pool-second", List.of(url, url, url));

        assertThat(provenUpstreams(result)).as(result::describe).hasSize(3).containsOnly(SECOND);
    }

    @Test
    void tagHintsPickOnlyUpstreamsCarryingEveryTag() {
        String url = fx.origin().url("/small");
        List<String> sixTimes = Collections.nCopies(6, url);

        Curl.Result us = plain(routed, "u-tag-us", sixTimes);
        Curl.Result usMobile = plain(routed, "u-tag-us-tag-mobile", sixTimes);

        // round-robin over the two upstreams tagged us: both take turns
        assertThat(provenUpstreams(us)).as(us::describe).hasSize(6).containsOnly("sq1", "sq2").contains("sq1", "sq2");
        assertThat(provenUpstreams(usMobile)).as(usMobile::describe).hasSize(6).containsOnly("sq2");
    }

    @ParameterizedTest(name = "{0}: 400 unknown-route")
    @ValueSource(strings = {"u-tag-fr", "u-pool-nope"})
    void unknownTagOrPoolIsRefused(String user) {
        String path = "/small/refused-" + user;

        Curl.Result result = plain(routed, user, List.of(fx.origin().url(path)));

        assertThat(result.exitCode()).as(result::describe).isZero();
        Curl.Head head = result.last();
        assertThat(head.status()).as(result::describe).isEqualTo(400);
        assertThat(head.header("X-Rotagate-Error")).as(result::describe).isEqualTo("unknown-route");
        assertThat(head.header("X-Rotagate-Upstream")).as(result::describe).isNull();
        assertThat(new String(result.body(), StandardCharsets.UTF_8)).as(result::describe).startsWith("rotagate: ");
        assertThat(accessLogLinesPerSquid(path)).as("a refused route reaches no squid")
                .containsOnlyKeys(SQUIDS.keySet()).allSatisfy((name, lines) -> assertThat(lines).isZero());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static String squidUrl(String name) {
        return SQUIDS.get(name).url("http", null);
    }

    /** Plain HTTP through {@code gateway} as proxy user {@code user}, all URLs in one curl run (one connection). */
    private static Curl.Result plain(GatewayServer gateway, String user, List<String> urls) {
        return Curl.fetchAll(fx.clientDir(), List.of("-x", "http://" + user + ":x@127.0.0.1:" + gateway.port()), urls);
    }

    /**
     * The squid behind each response, checked: every response is the origin's 200, and the upstream the gateway names
     * is the squid whose {@code Via} the response carries.
     */
    private static List<String> provenUpstreams(Curl.Result result) {
        assertThat(result.exitCode()).as(result::describe).isZero();
        assertThat(result.heads()).as(result::describe).hasSameSizeAs(result.bodies());
        List<String> upstreams = new ArrayList<>();
        for (int i = 0; i < result.heads().size(); i++) {
            Curl.Head head = result.heads().get(i);
            assertThat(head.status()).as(result::describe).isEqualTo(200);
            assertThat(head.header("X-Origin")).as(result::describe).isEqualTo("rotagate-interop");
            assertThat(new String(result.bodies().get(i), StandardCharsets.UTF_8)).as(result::describe)
                    .isEqualTo(OriginServer.SMALL_TEXT);
            String upstream = head.header("X-Rotagate-Upstream");
            assertThat(upstream).as(result::describe).isNotNull();
            assertThat(viaSquid(head)).as("the squid in Via is the upstream the gateway names\n%s", result.describe())
                    .isEqualTo(upstream);
            upstreams.add(upstream);
        }
        return upstreams;
    }

    private static void assertTunnelled(Curl.Result result) {
        assertThat(result.exitCode()).as(result::describe).isZero();
        assertThat(result.last().status()).as(result::describe).isEqualTo(200);
        assertThat(result.last().header("X-Origin")).as(result::describe).isEqualTo("rotagate-interop");
        // a tunnel: the squid cannot touch the origin's response
        assertThat(result.last().headers("Via")).as(result::describe).isEmpty();
        assertThat(result.body()).as(result::describe).asString().isEqualTo(OriginServer.SMALL_TEXT);
    }

    private static String viaSquid(Curl.Head head) {
        for (String via : head.headers("Via")) {
            Matcher m = VIA.matcher(via);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }

    /** Per squid: access-log lines of tunnels to the origin ({@code ... CONNECT 127.0.0.1:PORT ...}). */
    private static Map<String, Long> tunnelsPerSquid() {
        return accessLogLinesPerSquid(" CONNECT 127.0.0.1:" + fx.origin().port() + " ");
    }

    private static Map<String, Long> accessLogLinesPerSquid(String marker) {
        Map<String, Long> counts = new TreeMap<>();
        SQUIDS.forEach((name, squid) -> counts.put(name, ChildProcess.read(squid.dir().resolve("access.log"))
                .lines().filter(line -> line.contains(marker)).count()));
        return counts;
    }

    private static Map<String, Long> minus(Map<String, Long> after, Map<String, Long> before) {
        Map<String, Long> difference = new TreeMap<>();
        after.forEach((name, count) -> difference.put(name, count - before.getOrDefault(name, 0L)));
        return difference;
    }

    private static String accessLogs() {
        StringBuilder sb = new StringBuilder("squid access logs:\n");
        SQUIDS.forEach((name, squid) -> sb.append("--- ").append(name).append('\n')
                .append(ChildProcess.tail(ChildProcess.read(squid.dir().resolve("access.log")), 1500)));
        return sb.toString();
    }
}
