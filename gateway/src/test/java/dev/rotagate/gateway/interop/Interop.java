package dev.rotagate.gateway.interop;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The one place that decides what happens when something an interop test needs is not installed.
 *
 * <p>System property {@value #PROPERTY} (the root pom passes it to failsafe, default {@code auto}):
 * <ul>
 *   <li>{@code auto}: a missing binary or Python module skips the tests that need it;</li>
 *   <li>{@code required} (also implied by the environment variable {@code CI=true}): it fails them, naming the
 *       Debian package to install;</li>
 *   <li>{@code off}: every interop test is skipped.</li>
 * </ul>
 */
public final class Interop {

    public static final String PROPERTY = "rotagate.interop";

    /** Debian's python: the {@code python3} first on PATH may be a pyenv without requests or scrapy. */
    public static final String PYTHON = "/usr/bin/python3";

    enum Mode { AUTO, REQUIRED, OFF }

    private static final Map<String, Boolean> PYTHON_MODULES = new ConcurrentHashMap<>();

    private Interop() {
    }

    static Mode mode() {
        String value = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        Mode mode = switch (value) {
            case "required", "require", "true" -> Mode.REQUIRED;
            case "off", "skip", "false" -> Mode.OFF;
            case "auto", "" -> Mode.AUTO;
            default -> throw new IllegalArgumentException(PROPERTY + ": " + value + " (expected: auto, required or off)");
        };
        if (mode == Mode.AUTO && "true".equalsIgnoreCase(System.getenv("CI"))) {
            return Mode.REQUIRED;
        }
        return mode;
    }

    /** Skips the calling test (class) when interop tests are switched off. */
    public static void enabled() {
        Assumptions.assumeTrue(mode() != Mode.OFF, PROPERTY + "=off: interop tests skipped");
    }

    /** The executable at {@code path}; skips or fails (by {@link #mode()}) when it is not installed. */
    public static Path binary(String path, String debianPackage) {
        enabled();
        Path p = Path.of(path);
        if (!Files.isExecutable(p)) {
            missing(path + " is not installed", debianPackage);
        }
        return p;
    }

    /** Checks that Debian's python can import {@code module}; skips or fails (by {@link #mode()}) when not. */
    public static void pythonModule(String module, String debianPackage) {
        binary(PYTHON, "python3");
        if (!importable(module)) {
            missing(PYTHON + " cannot import " + module, debianPackage);
        }
    }

    /**
     * Like {@link #pythonModule} but always skips, also when interop is required: for a client that adds one case
     * to a test (PySocks for socks5h:// in requests), not a whole class of them.
     */
    public static void optionalPythonModule(String module, String debianPackage) {
        binary(PYTHON, "python3");
        if (!importable(module)) {
            String message = PYTHON + " cannot import " + module + ": this case is skipped (install the Debian package "
                    + debianPackage + " to run it)";
            System.err.println("[interop] SKIPPED: " + message);
            Assumptions.abort(message);
        }
    }

    private static boolean importable(String module) {
        return PYTHON_MODULES.computeIfAbsent(module, m -> {
            try {
                Process p = new ProcessBuilder(List.of(PYTHON, "-c", "import " + m))
                        .redirectInput(new File("/dev/null"))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    return false;
                }
                return p.exitValue() == 0;
            } catch (Exception e) {
                return false;
            }
        });
    }

    private static void missing(String what, String debianPackage) {
        String message = what + ": install the Debian package " + debianPackage
                + " (apt-get install " + debianPackage + ")";
        if (mode() == Mode.REQUIRED) {
            fail(message + " [" + PROPERTY + "=required" + ("true".equalsIgnoreCase(System.getenv("CI")) ? ", CI=true" : "")
                    + ": a missing interop dependency fails the build]");
        }
        // a class skipped in @BeforeAll shows up as "Tests run: 0" in failsafe's report: say why on the console too
        System.err.println("[interop] SKIPPED: " + message + " [" + PROPERTY + "=auto]");
        Assumptions.abort(message + " [" + PROPERTY + "=auto: skipped]");
    }
}
