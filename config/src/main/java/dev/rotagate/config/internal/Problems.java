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

    public void add(YamlNode at, String message) {
        add(at.line(), at.path(), message);
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public List<ConfigProblem> list() {
        return List.copyOf(list);
    }
}
