package dev.rotagate.gateway.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rotagate.gateway.GatewayServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The snippets of {@code docs/clients.md} marked {@code <!-- tested: NAME -->}, run as they are written — only the
 * gateway's address and the target are swapped for this test's — with the real clients: curl, python-requests,
 * Scrapy and Node's undici. A recipe that stops working fails here, not for a reader.
 */
class ClientRecipesIT {

    private static final Path DOC = Path.of("..", "docs", "clients.md");
    private static final Pattern TESTED = Pattern.compile("<!-- tested: ([a-z-]+) -->\\s*```[a-z]*\\n(.*?)```", Pattern.DOTALL);
    /** undici 6 still runs on Debian 12's Node 18. */
    private static final String UNDICI = "undici@6";

    private static InteropFixture fx;
    private static GatewayServer gateway;

    @BeforeAll
    static void start() {
        fx = InteropFixture.start();
        gateway = fx.gateway(List.of("\"direct://\""), "auth:\n  users: [ { username: scraper, password: secret } ]");
    }

    @AfterAll
    static void stop() {
        if (fx != null) {
            fx.close();
        }
    }

    /** The block marked {@code name}, pointed at this test's gateway and origin. */
    private static String recipe(String name) throws IOException {
        Matcher m = TESTED.matcher(Files.readString(DOC));
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return m.group(2).replace("127.0.0.1:8080", "127.0.0.1:" + gateway.port())
                        .replace("http://example.com/", fx.origin().url("/small"));
            }
        }
        throw new AssertionError("docs/clients.md has no block marked <!-- tested: " + name + " -->");
    }

    private static Path write(String file, String text) throws IOException {
        Path p = fx.clientDir().resolve(file);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void curl() throws IOException {
        Curl.requireInstalled();
        for (String line : recipe("curl").lines().filter(l -> !l.isBlank()).toList()) {
            String command = line.replaceAll("\\s+#.*$", "");
            ChildProcess.Result r = ChildProcess.run(fx.clientDir(), Duration.ofSeconds(30),
                    List.of("bash", "-c", command + " -s --fail-with-body"));
            assertThat(r.exitCode()).as(r::describe).isZero();
            assertThat(r.stdoutText()).as(command).isEqualTo(OriginServer.SMALL_TEXT);
        }
    }

    @Test
    void pythonRequests() throws IOException {
        Interop.pythonModule("requests", "python3-requests");
        Path script = write("recipe_requests.py", recipe("python-requests"));

        ChildProcess.Result r = ChildProcess.run(fx.clientDir(), Duration.ofSeconds(60), List.of(Interop.PYTHON, script.toString()));

        assertThat(r.exitCode()).as(r::describe).isZero();
        assertThat(r.stdoutText().trim()).as(r::describe).isEqualTo("200 direct");
    }

    @Test
    void scrapy() throws IOException {
        Interop.pythonModule("scrapy", "python3-scrapy");
        Path spider = write("recipe_spider.py", recipe("scrapy"));
        Path out = fx.clientDir().resolve("recipe-items.jsonl");

        ChildProcess.Result r = ChildProcess.run(fx.clientDir(), Duration.ofSeconds(90), List.of(Interop.PYTHON, "-m",
                "scrapy", "runspider", spider.toString(), "-o", out.toString(), "-s", "TELNETCONSOLE_ENABLED=False",
                "-s", "ROBOTSTXT_OBEY=False", "-s", "LOG_LEVEL=WARNING"));

        assertThat(r.exitCode()).as(r::describe).isZero();
        List<JsonObject> items = Files.readAllLines(out).stream().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
        assertThat(items).as(r::describe).hasSize(3)
                .allSatisfy(i -> assertThat(i.getMap()).containsEntry("status", 200).containsEntry("upstream", "direct"));
    }

    @Test
    void nodeUndici() throws IOException {
        Path node = Interop.binary("/usr/bin/node", "nodejs");
        Path npm = Interop.binary("/usr/bin/npm", "npm");
        Path project = Files.createDirectories(fx.clientDir().resolve("undici-recipe"));
        ChildProcess.Result install = ChildProcess.run(project, Duration.ofSeconds(180),
                Map.of("npm_config_update_notifier", "false", "npm_config_fund", "false", "npm_config_audit", "false"),
                List.of(npm.toString(), "install", "--no-save", "--prefix", project.toString(), UNDICI));
        assertThat(install.exitCode()).as(install::describe).isZero();
        Path script = project.resolve("recipe.js");
        Files.writeString(script, recipe("node-undici"));

        ChildProcess.Result r = ChildProcess.run(project, Duration.ofSeconds(60), List.of(node.toString(), script.toString()));

        assertThat(r.exitCode()).as(r::describe).isZero();
        assertThat(r.stdoutText()).as(r::describe).isEqualTo("200 " + OriginServer.SMALL_TEXT + "\n");
    }
}
