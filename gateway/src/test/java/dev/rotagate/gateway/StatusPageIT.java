package dev.rotagate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.GatewayConfig;
import dev.rotagate.gateway.interop.Interop;
import dev.rotagate.pool.resilience.UpstreamState;
import dev.rotagate.pool.testing.FakeUpstream;
import dev.rotagate.pool.testing.FakeUpstream.Mode;
import dev.rotagate.pool.testing.FreePorts;
import io.vertx.core.Vertx;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;

/**
 * The status page in a real browser (Selenium 4, Debian's headless chromium and chromium-driver): what a person sees
 * changes without a reload when an upstream dies, the filter hides the healthy ones, and a disable click takes an
 * upstream out of rotation. A screenshot is saved as {@code target/status-page.png}.
 */
class StatusPageIT extends WithOrigin {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final String CHROMEDRIVER = "/usr/bin/chromedriver";

    static FakeUpstream a1;
    static FakeUpstream a2;
    static FakeUpstream b1;
    static FakeUpstream g1;
    static TestGateway gateway;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        Interop.binary(CHROMIUM, "chromium");
        Interop.binary(CHROMEDRIVER, "chromium-driver");
        a1 = FakeUpstream.start(vertx, Mode.RELAY, "a1");
        a2 = FakeUpstream.start(vertx, Mode.RELAY, "a2");
        b1 = FakeUpstream.start(vertx, Mode.RELAY, "b1");
        g1 = FakeUpstream.start(vertx, Mode.RELAY, "g1");
        gateway = TestGateway.start(vertx, "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\n"
                + "health: { interval: 300ms, timeout: 1s, target: \"" + origin.url("/health") + "\", rise: 1, fall: 1 }\n"
                + "pools:\n"
                + "  alpha:\n    upstreams:\n"
                + "      - { url: \"" + a1.url() + "\", name: a1 }\n      - { url: \"" + a2.url() + "\", name: a2 }\n"
                + "  beta:\n    upstreams:\n      - { url: \"" + b1.url() + "\", name: b1, tags: [us] }\n"
                + "  gamma:\n    upstreams:\n      - { url: \"" + g1.url() + "\", name: g1 }\n");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM)
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1500,800",
                        "--disable-background-networking", "--disable-extensions");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        if (gateway != null) {
            gateway.close();
        }
        for (FakeUpstream f : new FakeUpstream[] {a1, a2, g1}) {
            if (f != null) {
                f.close();
            }
        }
    }

    /** The page re-renders its rows every 2 s: an element found just before may be gone (stale); then ask again. */
    private static String state(String upstream) {
        try {
            List<WebElement> cells = browser.findElements(By.cssSelector("tr[data-upstream='" + upstream + "'] td.state"));
            return cells.isEmpty() ? "(not shown)" : cells.get(0).getText().split("\\s")[0];
        } catch (StaleElementReferenceException e) {
            return "(re-rendered)";
        }
    }

    private static List<String> shownRows() {
        try {
            return browser.findElements(By.cssSelector("#rows tr")).stream().map(r -> r.getAttribute("data-upstream")).toList();
        } catch (StaleElementReferenceException e) {
            return List.of("(re-rendered)");
        }
    }

    @Test
    void whatAPersonSeesFollowsTheGatewayWithoutAReload() throws Exception {
        browser.get("http://127.0.0.1:" + gateway.server().adminPort() + "/");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(List.of(state("alpha/a1"), state("alpha/a2"),
                state("beta/b1"), state("gamma/g1"))).containsOnly("HEALTHY"));
        ((JavascriptExecutor) browser).executeScript("window.notReloaded = true;");
        assertThat(browser.findElements(By.cssSelector("#pools .card"))).hasSize(3);

        b1.close(); // beta's only upstream dies
        await().atMost(Duration.ofSeconds(15)).until(() -> state("beta/b1").equals("EJECTED"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.notReloaded === true")).isEqualTo(true);
        await().atMost(Duration.ofSeconds(5)).ignoreException(StaleElementReferenceException.class).untilAsserted(() ->
                assertThat(browser.findElement(By.cssSelector("#pools [data-pool='beta']")).getText()).contains("0/1"));
        Path shot = Path.of("target", "status-page.png");
        Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

        new Select(browser.findElement(By.id("f-state"))).selectByValue("!HEALTHY");
        await().atMost(Duration.ofSeconds(5)).until(() -> shownRows().equals(List.of("beta/b1")));
        new Select(browser.findElement(By.id("f-state"))).selectByValue("");
        browser.findElement(By.id("f-tag")).sendKeys("us");
        await().atMost(Duration.ofSeconds(5)).until(() -> shownRows().equals(List.of("beta/b1")));
        browser.findElement(By.id("f-tag")).clear();
        browser.findElement(By.id("f-tag")).sendKeys(" ");
        await().atMost(Duration.ofSeconds(5)).until(() -> shownRows().size() == 4);

        await().atMost(Duration.ofSeconds(5)).ignoreException(StaleElementReferenceException.class).untilAsserted(() ->
                browser.findElement(By.cssSelector("button.toggle[data-upstream='alpha/a1']")).click());
        await().atMost(Duration.ofSeconds(5)).until(() -> state("alpha/a1").equals("DISABLED"));
        assertThat(gateway.server().pools().get(0).upstream("a1").health().state()).isEqualTo(UpstreamState.DISABLED);

        browser.findElement(By.id("s-id")).sendKeys("abc");
        browser.findElement(By.id("s-go")).click();
        await().atMost(Duration.ofSeconds(5)).ignoreException(StaleElementReferenceException.class)
                .until(() -> browser.findElement(By.id("s-out")).getText().startsWith("alpha: a2"));
    }

    @Test
    void aClusterMemberShowsItsMembersAndWhereTheSharedEntriesCameFrom() throws Exception {
        int port = FreePorts.consecutive(1);
        GatewayConfig config = new ConfigLoader(System::getenv).parse(TestGateway.allowingLoopback(
                "listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\n"
                + "cluster: { name: page, bind: \"127.0.0.1:" + port + "\", members: [\"127.0.0.1:" + port + "\"],"
                + " secret: \"status-page-secret-01\" }\n"
                + "pools:\n  p:\n    upstreams:\n      - { url: \"" + g1.url() + "\", name: g1 }\n"), Path.of("c.yaml"));
        Vertx clustered = Clustering.createVertx(config).await(60, TimeUnit.SECONDS);
        try {
            GatewayServer member = GatewayServer.start(clustered, config).await(60, TimeUnit.SECONDS);
            member.pools().get(0).bans().ban(member.pools().get(0).upstream("g1"), "shop.example");
            browser.get("http://127.0.0.1:" + member.adminPort() + "/");
            await().atMost(Duration.ofSeconds(10)).ignoreException(StaleElementReferenceException.class).untilAsserted(() ->
                    assertThat(browser.findElement(By.id("cluster")).getText())
                            .contains("cluster: 1 member(s) 127.0.0.1:" + port + " (this one)")
                            .contains("0 disable(s), 1 ban(s), 0 session move(s)")
                            .contains("from 127.0.0.1:" + port + ": 1 bans"));
        } finally {
            clustered.close().await(30, TimeUnit.SECONDS);
        }
    }
}
