package dev.rotagate.config;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the config file and its upstream list files (content checksums, every {@code period}) and reloads on a
 * change, or at once on {@link #checkNow()} (SIGHUP). A valid new config goes to {@link Listener#onValid}; an invalid
 * one — a typo, or an empty file an editor truncated before writing — to {@link Listener#onInvalid}, once per
 * distinct content, while the running config stays. Files are read off the event loop.
 */
public final class ConfigWatcher {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    /** What a reload attempt produced. */
    public interface Listener {
        void onValid(GatewayConfig config);

        void onInvalid(List<ConfigProblem> problems);
    }

    private final Vertx vertx;
    private final ConfigLoader loader;
    private final Path file;
    private final Duration period;
    private final Listener listener;
    private volatile List<Path> watched;
    private volatile Map<Path, Long> fingerprints = Map.of();
    private volatile Map<Path, Long> lastInvalid;
    private boolean checking;
    private long timer = -1;

    public ConfigWatcher(Vertx vertx, ConfigLoader loader, GatewayConfig current, Duration period, Listener listener) {
        this.vertx = vertx;
        this.loader = loader;
        this.file = current.source();
        this.period = period;
        this.listener = listener;
        this.watched = current.files();
    }

    public void start() {
        vertx.executeBlocking(() -> fingerprint(watched)).onSuccess(f -> {
            fingerprints = f;
            timer = vertx.setPeriodic(period.toMillis(), id -> check(false));
        });
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /** Reload now, changed or not (SIGHUP). */
    public void checkNow() {
        vertx.runOnContext(v -> check(true));
    }

    private void check(boolean force) {
        if (checking) {
            return;
        }
        checking = true;
        vertx.executeBlocking(() -> {
            Map<Path, Long> now = fingerprint(watched);
            if (!force && now.equals(fingerprints)) {
                return null;
            }
            try {
                GatewayConfig config = loader.load(file);
                return new Attempt(now, config, null);
            } catch (ConfigException e) {
                return new Attempt(now, null, e.problems());
            }
        }).onComplete(ar -> {
            checking = false;
            if (ar.failed()) {
                LOG.warn("config check failed: {}", ar.cause().toString());
                return;
            }
            Attempt a = ar.result();
            if (a == null) {
                return;
            }
            fingerprints = a.fingerprints();
            if (a.config() != null) {
                watched = a.config().files();
                lastInvalid = null;
                vertx.executeBlocking(() -> fingerprint(watched)).onSuccess(f -> fingerprints = f);
                listener.onValid(a.config());
            } else if (force || !a.fingerprints().equals(lastInvalid)) {
                lastInvalid = a.fingerprints();
                listener.onInvalid(a.problems());
            }
        });
    }

    private record Attempt(Map<Path, Long> fingerprints, GatewayConfig config, List<ConfigProblem> problems) {
    }

    /** CRC32 and size of each file; -1 for a missing or unreadable one. */
    private static Map<Path, Long> fingerprint(List<Path> files) {
        Map<Path, Long> out = new HashMap<>();
        for (Path p : files) {
            try {
                byte[] bytes = Files.readAllBytes(p);
                CRC32 crc = new CRC32();
                crc.update(bytes);
                out.put(p, crc.getValue() ^ ((long) bytes.length << 32));
            } catch (NoSuchFileException e) {
                out.put(p, -1L);
            } catch (IOException e) {
                out.put(p, -2L);
            }
        }
        return out;
    }
}
