package dev.rotagate.gateway;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rotagate version}: the version, and the Java that runs it. */
@Command(name = "version", description = "Print the version and the Java runtime.")
final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(Main.version());
        spec.commandLine().getOut().println("java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.name") + ", " + System.getProperty("os.arch") + ")");
        return 0;
    }
}
