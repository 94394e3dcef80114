package dev.rotagate.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.common.UpstreamScheme;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListFileTest {

    @TempDir
    Path dir;

    private final ConfigLoader loader = new ConfigLoader(Map.<String, String>of()::get);

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void readsUrlsHostPortsAndProviderExportsRelativeToTheConfig() throws Exception {
        write("lists/dc.txt", """
                # datacenter exits
                socks5h://u:p@10.0.0.1:1080
                10.0.0.2:3128            # plain host:port, default scheme
                10.0.0.3:3128:bob:s3:cr3t

                [2001:db8::1]:8080
                """);
        Path config = write("gw.yaml", """
                pools:
                  dc:
                    upstreams: [ "http://10.0.0.9:3128" ]
                    upstream-files: [ lists/dc.txt ]
                """);

        GatewayConfig c = loader.load(config);

        List<UpstreamConfig> ups = c.defaultPool().upstreams();
        assertThat(ups).extracting(UpstreamConfig::name)
                .containsExactly("10.0.0.9:3128", "10.0.0.1:1080", "10.0.0.2:3128", "10.0.0.3:3128", "[2001:db8::1]:8080");
        assertThat(ups.get(1).url().scheme()).isEqualTo(UpstreamScheme.SOCKS5H);
        assertThat(ups.get(2).url().scheme()).isEqualTo(UpstreamScheme.HTTP);
        assertThat(ups.get(3).url().username()).isEqualTo("bob");
        assertThat(ups.get(3).url().password()).isEqualTo("s3:cr3t");
        assertThat(c.listFiles()).containsExactly(dir.resolve("lists/dc.txt"));
        assertThat(c.files()).hasSize(2);
    }

    @Test
    void defaultSchemeAppliesToLinesWithout() throws Exception {
        write("s.txt", "10.0.0.5:1080\n10.0.0.6:1080:u:p\n");
        Path config = write("gw.yaml", "pools:\n  s:\n    default-scheme: socks5h\n    upstream-files: s.txt\n");

        assertThat(loader.load(config).defaultPool().upstreams()).extracting(u -> u.url().scheme())
                .containsOnly(UpstreamScheme.SOCKS5H);
    }

    @Test
    void aBadLineIsAProblemAtItsLineUnlessLenient() throws Exception {
        Path list = write("dc.txt", "10.0.0.1:3128\nnot a proxy\n10.0.0.2:99999\n10.0.0.3:3128:user\n10.0.0.1:3128\n");
        Path strict = write("gw.yaml", "pools:\n  dc:\n    upstream-files: [dc.txt]\n");

        List<String> problems;
        try {
            loader.load(strict);
            throw new AssertionError("expected problems");
        } catch (ConfigException e) {
            problems = e.problems().stream().map(ConfigProblem::toString).toList();
        }
        assertThat(problems).containsExactly(
                list + ":2: upstream line: not a proxy (expected: a URL, host:port or host:port:user:pass)",
                list + ":3: upstream line: 10.0.0.2:99999 (expected: a URL, host:port or host:port:user:pass)",
                list + ":4: upstream line: 10.0.0.3:3128:user (expected: a URL, host:port or host:port:user:pass)",
                list + ":5: duplicate upstream http://10.0.0.1:3128 (also listed before in the pool)");

        Path lenient = write("lenient.yaml", "pools:\n  dc:\n    upstream-files: [dc.txt]\n    upstream-files-lenient: true\n");
        GatewayConfig c = loader.load(lenient);
        assertThat(c.defaultPool().upstreams()).extracting(UpstreamConfig::name).containsExactly("10.0.0.1:3128");
        assertThat(c.skippedLines()).hasSize(4);
    }

    @Test
    void aMissingListFileIsAProblem() throws Exception {
        Path config = write("gw.yaml", "pools:\n  dc:\n    upstream-files: [nope.txt]\n");

        try {
            loader.load(config);
            throw new AssertionError("expected problems");
        } catch (ConfigException e) {
            assertThat(e.getMessage()).contains("nope.txt: cannot read the upstream list: NoSuchFileException");
        }
    }

    @Test
    void routeTagsNobodyCarriesAreAProblem() throws Exception {
        Path config = write("gw.yaml", """
                pools:
                  dc:
                    upstreams: [ { url: "http://10.0.0.1:3128", tags: [us] } ]
                routes:
                  - { match: ["*.example.com"], pool: dc, tags: [fr] }
                  - { match: ["*.example.org"], pool: dc, tags: [us] }
                """);

        try {
            loader.load(config);
            throw new AssertionError("expected problems");
        } catch (ConfigException e) {
            assertThat(e.problems()).singleElement().asString().isEqualTo(config + ":5: routes[0]: no upstream of pool 'dc' carries the tags [fr]");
        }
    }
}
