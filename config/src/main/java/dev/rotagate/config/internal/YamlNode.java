package dev.rotagate.config.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A snakeyaml node with its config path ({@code pools.dc.upstreams[2]}) and line, and typed accessors that
 * report located problems instead of throwing. Scalars get {@code ${VAR}} / {@code ${VAR:-default}} expanded.
 */
public final class YamlNode {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private final Node node;
    private final String path;
    private final Problems problems;
    private final Function<String, String> env;

    public YamlNode(Node node, String path, Problems problems, Function<String, String> env) {
        this.node = node;
        this.path = path;
        this.problems = problems;
        this.env = env;
    }

    public String path() {
        return path;
    }

    public int line() {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    /** Reports a problem located at this node. */
    public void problems(String message) {
        problems.add(this, message);
    }

    public boolean isMap() {
        return node instanceof MappingNode;
    }

    public boolean isList() {
        return node instanceof SequenceNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode;
    }

    public boolean isNull() {
        return node instanceof ScalarNode s && "tag:yaml.org,2002:null".equals(s.getTag().getValue());
    }

    /** The entries of a mapping in file order; duplicate keys are reported. Empty (with a problem) if not a map. */
    public Map<String, YamlNode> entries() {
        Map<String, YamlNode> out = new LinkedHashMap<>();
        if (isNull()) {
            return out;
        }
        if (!(node instanceof MappingNode map)) {
            problems.add(this, "expected a mapping (key: value), found " + describe());
            return out;
        }
        for (NodeTuple t : map.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(t.getKeyNode());
            YamlNode child = new YamlNode(t.getValueNode(), path.isEmpty() ? key : path + "." + key, problems, env);
            if (out.containsKey(key)) {
                problems.add(child.line(), child.path(), "duplicate key '" + key + "'");
            }
            out.put(key, child);
        }
        return out;
    }

    /** Entries of a mapping, reporting any key not in {@code known} with a did-you-mean. */
    public Map<String, YamlNode> entries(List<String> known) {
        Map<String, YamlNode> out = entries();
        for (Map.Entry<String, YamlNode> e : out.entrySet()) {
            if (!known.contains(e.getKey())) {
                String hint = DidYouMean.closest(e.getKey(), known).map(k -> " (did you mean '" + k + "'?)").orElse("");
                problems.add(e.getValue().line(), e.getValue().path(), "unknown key '" + e.getKey() + "'" + hint
                        + "; known keys: " + String.join(", ", known));
            }
        }
        return out;
    }

    public List<YamlNode> items() {
        List<YamlNode> out = new ArrayList<>();
        if (isNull()) {
            return out;
        }
        if (!(node instanceof SequenceNode seq)) {
            problems.add(this, "expected a list, found " + describe());
            return out;
        }
        int i = 0;
        for (Node n : seq.getValue()) {
            out.add(new YamlNode(n, path + "[" + i++ + "]", problems, env));
        }
        return out;
    }

    /** The items of a list without reporting anything (for a second look at an already checked node). */
    public List<YamlNode> itemsQuietly() {
        List<YamlNode> out = new ArrayList<>();
        if (node instanceof SequenceNode seq) {
            int i = 0;
            for (Node n : seq.getValue()) {
                out.add(new YamlNode(n, path + "[" + i++ + "]", problems, env));
            }
        }
        return out;
    }

    /** The scalar text with environment variables expanded; empty (with a problem) otherwise. */
    public Optional<String> text() {
        if (!(node instanceof ScalarNode s) || isNull()) {
            problems.add(this, "expected a value, found " + describe());
            return Optional.empty();
        }
        return expand(s.getValue());
    }

    public Optional<Boolean> bool() {
        return text().flatMap(t -> {
            switch (t.toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on" -> {
                    return Optional.of(true);
                }
                case "false", "no", "off" -> {
                    return Optional.of(false);
                }
                default -> {
                    problems.add(this, "'" + t + "' is not a boolean (expected: true or false)");
                    return Optional.empty();
                }
            }
        });
    }

    public Optional<Integer> integer(int min, int max) {
        return text().flatMap(t -> {
            try {
                int v = Integer.parseInt(t.trim());
                if (v < min || v > max) {
                    problems.add(this, v + " is out of range (expected: " + min + " to " + max + ")");
                    return Optional.empty();
                }
                return Optional.of(v);
            } catch (NumberFormatException e) {
                problems.add(this, "'" + t + "' is not a whole number (expected: " + min + " to " + max + ")");
                return Optional.empty();
            }
        });
    }

    /** Parses the text with {@code parser}; its IllegalArgumentException message becomes a located problem. */
    public <T> Optional<T> parsed(Function<String, T> parser) {
        return text().flatMap(t -> {
            try {
                return Optional.of(parser.apply(t));
            } catch (IllegalArgumentException | ArithmeticException e) {
                problems.add(this, e.getMessage());
                return Optional.empty();
            }
        });
    }

    private Optional<String> expand(String raw) {
        if (raw.indexOf("${") < 0) {
            return Optional.of(raw);
        }
        Matcher m = VARIABLE.matcher(raw);
        StringBuilder out = new StringBuilder();
        boolean ok = true;
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null || (value.isEmpty() && m.group(2) != null)) {
                value = m.group(3);
            }
            if (value == null) {
                problems.add(this, "environment variable " + m.group(1) + " is not set (write ${" + m.group(1)
                        + ":-default} for a default)");
                ok = false;
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return ok ? Optional.of(out.toString()) : Optional.empty();
    }

    private String describe() {
        if (isNull()) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        return "'" + ((ScalarNode) node).getValue() + "'";
    }
}
