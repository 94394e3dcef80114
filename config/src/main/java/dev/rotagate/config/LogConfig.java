package dev.rotagate.config;

import java.nio.file.Path;

/**
 * The access log: one line per request and tunnel as {@code text} (the default), {@code json} or not at all
 * ({@code off}); to stdout, or appended to {@code accessFile} (reopened on SIGUSR1, for logrotate).
 */
public record LogConfig(AccessFormat access, Path accessFile) {

    public enum AccessFormat { TEXT, JSON, OFF }

    public static final LogConfig DEFAULTS = new LogConfig(AccessFormat.TEXT, null);
}
