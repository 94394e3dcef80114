package dev.rotagate.config.internal;

import dev.rotagate.config.ConfigProblem;
import java.util.ArrayList;
import java.util.List;

/** Collects located problems while a config is read, so that all of them are reported at once. */
public final class Problems {

    private final String file;
    private final List<ConfigProblem> list = new ArrayList<>();

    public Problems(String file) {
        this.file = file;
    }

    public void add(int line, String path, String message) {
        list.add(new ConfigProblem(file, line, path, message));
    }

    /** A problem in another file (an upstream list file). */
    public void add(String otherFile, int line, String path, String message) {
        list.add(new ConfigProblem(otherFile, line, path, message));
    }

    public void add(YamlNode at, String message) {
        add(at.line(), at.path(), message);
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** In file order: the line numbers go up as an operator reads down. */
    public List<ConfigProblem> list() {
        List<ConfigProblem> sorted = new ArrayList<>(list);
        sorted.sort(java.util.Comparator.comparing((ConfigProblem p) -> !p.file().equals(file))
                .thenComparing(ConfigProblem::file).thenComparingInt(ConfigProblem::line));
        return List.copyOf(sorted);
    }
}
