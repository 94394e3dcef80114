package dev.rotagate.gateway;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code rotagate serve | health | check-config | demo | version | generate-completion}: the command line.
 * {@code generate-completion} prints picocli's bash/zsh completion script.
 */
@Command(name = "rotagate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Rotating proxy pool gateway: one endpoint for HTTP, CONNECT and SOCKS5.",
        subcommands = {ServeCommand.class, HealthCommand.class, CheckConfigCommand.class, DemoCommand.class, VersionCommand.class,
                AutoComplete.GenerateCompletion.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("rotagate: " + e.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    /** {@code rotagate 0.1.0}: the jar's Implementation-Version; {@code dev} when run from classes. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return "rotagate " + (v == null ? "dev" : v);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {version()};
        }
    }
}
