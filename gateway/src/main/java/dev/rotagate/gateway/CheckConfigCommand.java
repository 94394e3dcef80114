package dev.rotagate.gateway;

import dev.rotagate.config.ConfigException;
import dev.rotagate.config.ConfigLoader;
import dev.rotagate.config.ConfigProblem;
import dev.rotagate.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Validates a config file and lists every problem with its line; exit 1 when there are any. */
@Command(name = "check-config", description = "Validate a config file: every problem as file:line: path: message.")
final class CheckConfigCommand implements Callable<Integer> {

    @Option(names = {"-c", "--config"}, description = "config file (default: ${DEFAULT-VALUE})", defaultValue = "rotagate.yaml")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            GatewayConfig c = ConfigLoader.withSystemEnv().load(config);
            int upstreams = c.pools().stream().mapToInt(p -> p.upstreams().size()).sum();
            for (ConfigProblem skipped : c.skippedLines()) {
                spec.commandLine().getErr().println("skipped (upstream-files-lenient): " + skipped);
            }
            spec.commandLine().getOut().printf("%s: OK (%d pool(s), %d upstream(s), listen %s)%n",
                    config, c.pools().size(), upstreams, c.listen());
            return 0;
        } catch (ConfigException e) {
            for (ConfigProblem p : e.problems()) {
                spec.commandLine().getErr().println(p);
            }
            spec.commandLine().getErr().printf("%s: %d problem(s)%n", config, e.problems().size());
            return 1;
        }
    }
}
