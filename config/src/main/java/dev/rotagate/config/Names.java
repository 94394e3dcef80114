package dev.rotagate.config;

import dev.rotagate.config.internal.YamlNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** What names in a config may look like, in one place: the sections check theirs here. */
final class Names {

    /** Users, pools and tags: they travel in username hints ({@code -pool-NAME}, {@code -tag-NAME}). */
    static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_.]+");
    /** Upstreams and listeners, whose default names are their address ({@code 127.0.0.1:3128}, {@code [::1]:8080}). */
    static final Pattern ENDPOINT = Pattern.compile("[A-Za-z0-9_.:\\[\\]-]+");

    private Names() {
    }

    /** A {@code tags:} list; a tag that is not {@link #PLAIN} is a located problem and left out. */
    static List<String> tags(YamlNode list) {
        List<String> tags = new ArrayList<>();
        for (YamlNode t : list.items()) {
            t.text().map(String::trim).ifPresent(tag -> {
                if (PLAIN.matcher(tag).matches()) {
                    tags.add(tag);
                } else {
                    t.problems("tag '" + tag + "' may only use A-Z a-z 0-9 _ .");
                }
            });
        }
        return tags;
    }
}
