package dev.rotagate.config;

/** One thing wrong with a config file, located: {@code file:line: path: message}. */
public record ConfigProblem(String file, int line, String path, String message) {

    @Override
    public String toString() {
        String where = line > 0 ? file + ":" + line : file;
        return path.isEmpty() ? where + ": " + message : where + ": " + path + ": " + message;
    }
}
