package dev.rotagate.gateway;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rotagate serve | check-config}: the command line. */
@Command(name = "rotagate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Rotating proxy pool gateway: one endpoint for HTTP, CONNECT and SOCKS5.",
        subcommands = {ServeCommand.class, HealthCommand.class, CheckConfigCommand.class, CommandLine.HelpCommand.class})
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rotagate " + (v == null ? "dev" : v)};
        }
    }
}
