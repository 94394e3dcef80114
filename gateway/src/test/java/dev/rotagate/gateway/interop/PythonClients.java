package dev.rotagate.gateway.interop;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Real Python clients (python-requests, Scrapy) run with Debian's {@code /usr/bin/python3}. */
final class PythonClients {

    private PythonClients() {
    }

    /** One response (or error) as the client saw it. */
    record Response(JsonObject json) {

        Integer status() {
            return json.getInteger("status");
        }

        String error() {
            return json.getString("error");
        }

        String sha256() {
            return json.getString("sha256");
        }

        String text() {
            return json.getString("text");
        }

        String header(String lowerCaseName) {
            JsonObject headers = json.getJsonObject("headers");
            return headers == null ? null : headers.getString(lowerCaseName);
        }

        String upstream() {
            String h = header("x-rotagate-upstream");
            return h != null ? h : json.getString("upstream");
        }

        @Override
        public String toString() {
            return json.encode();
        }
    }

    record Run(ChildProcess.Result process, List<Response> responses) {
        String describe() {
            return process.describe() + "\n  responses: " + responses;
        }
    }

    /** {@code count} sequential GETs on one requests.Session through {@code proxy}, cycling over {@code urls}. */
    static Run requests(Path workDir, String proxy, int count, List<String> urls) {
        return requests(workDir, proxy, count, urls, null);
    }

    /** As above; https:// targets are verified against {@code caBundle} (PEM) when it is not null. */
    static Run requests(Path workDir, String proxy, int count, List<String> urls, Path caBundle) {
        Interop.pythonModule("requests", "python3-requests");
        Path script = copyScript(workDir, "requests_client.py");
        List<String> command = new ArrayList<>(List.of(Interop.PYTHON, script.toString(), proxy, String.valueOf(count)));
        command.addAll(urls);
        ChildProcess.Result result = ChildProcess.run(workDir, Duration.ofSeconds(60),
                caBundle == null ? Map.of() : Map.of("INTEROP_CA_BUNDLE", caBundle.toString()), command);
        List<Response> responses = new ArrayList<>();
        if (result.exitCode() == 0) {
            try {
                JsonArray array = new JsonObject(result.stdoutText()).getJsonArray("results");
                array.forEach(o -> responses.add(new Response((JsonObject) o)));
            } catch (RuntimeException e) {
                throw new AssertionError("requests_client.py printed no JSON\n" + result.describe(), e);
            }
        }
        return new Run(result, responses);
    }

    /** A Scrapy spider fetching {@code urls} with {@code meta['proxy'] = proxy}. */
    static Run scrapy(Path workDir, String proxy, List<String> urls) {
        Interop.pythonModule("scrapy", "python3-scrapy");
        Path script = copyScript(workDir, "spider.py");
        Path out = workDir.resolve("scrapy-" + System.nanoTime() + ".jsonl");
        ChildProcess.Result result = ChildProcess.run(workDir, Duration.ofSeconds(60), List.of(Interop.PYTHON,
                "-m", "scrapy", "runspider", script.toString(),
                "-a", "proxy=" + proxy, "-a", "urls=" + String.join(",", urls), "-a", "out=" + out,
                "-s", "TELNETCONSOLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False", "-s", "RETRY_ENABLED=False",
                "-s", "HTTPCACHE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=15", "-s", "LOG_LEVEL=INFO",
                "-s", "CLOSESPIDER_TIMEOUT=30"));
        List<Response> responses = new ArrayList<>();
        try {
            if (Files.exists(out)) {
                for (String line : Files.readAllLines(out)) {
                    if (!line.isBlank()) {
                        responses.add(new Response(new JsonObject(line)));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        responses.sort((a, b) -> Integer.compare(a.json().getInteger("i"), b.json().getInteger("i")));
        return new Run(result, responses);
    }

    private static Path copyScript(Path workDir, String name) {
        Path target = workDir.resolve(name);
        try (InputStream in = PythonClients.class.getResourceAsStream("/interop/" + name)) {
            if (in == null) {
                throw new IllegalStateException("test resource /interop/" + name + " is missing");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
