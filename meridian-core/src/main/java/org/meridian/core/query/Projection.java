package org.meridian.core.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.meridian.core.error.MeridianException;

/**
 * The value of {@code pick} or {@code omit} (clause 4.21): entity members by name, each optionally followed by the
 * members of the entities its relationship links to, in braces: {@code id,locatedAt{name,isInCountry{id}}}.
 *
 * @param members in the order given, no name twice
 */
public record Projection(List<Member> members) {
    /** Longest projection text read, so a parameter cannot cost more than a line of text. */
    public static final int MAX_LENGTH = 4096;
    /** Deepest nesting of braces. */
    public static final int MAX_DEPTH = 10;

    /**
     * One member.
     *
     * @param name a term as the client wrote it (id, type, scope or an attribute name)
     * @param linked the projection of the linked entities, or null when none was given
     */
    public record Member(String name, Projection linked) {
    }

    public Projection {
        members = List.copyOf(members);
    }

    public Set<String> names() {
        Set<String> names = new java.util.LinkedHashSet<>();
        members.forEach(member -> names.add(member.name()));
        return names;
    }

    /**
     * Parses a projection; every mistake is a 400 naming the parameter and the place.
     *
     * @param parameter pick or omit, for the message
     */
    public static Projection parse(String parameter, String text) {
        if (text.length() > MAX_LENGTH) {
            throw MeridianException.badData("The parameter " + parameter + " is longer than " + MAX_LENGTH + " characters");
        }
        Reader reader = new Reader(parameter, text);
        Projection projection = reader.list(0);
        if (reader.position < text.length()) {
            throw reader.error("unexpected '" + text.charAt(reader.position) + "'");
        }
        return projection;
    }

    private static final class Reader {
        private final String parameter;
        private final String text;
        private int position;

        Reader(String parameter, String text) {
            this.parameter = parameter;
            this.text = text;
        }

        Projection list(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("more than " + MAX_DEPTH + " levels of braces");
            }
            List<Member> members = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            while (true) {
                String name = name();
                Projection linked = null;
                if (position < text.length() && text.charAt(position) == '{') {
                    position++;
                    linked = list(depth + 1);
                    if (position >= text.length() || text.charAt(position) != '}') {
                        throw error("a '{' is not closed");
                    }
                    position++;
                }
                if (!seen.add(name)) {
                    throw error("'" + name + "' is named twice");
                }
                members.add(new Member(name, linked));
                if (position < text.length() && text.charAt(position) == ',') {
                    position++;
                    continue;
                }
                return new Projection(members);
            }
        }

        private String name() {
            int start = position;
            while (position < text.length() && isNameCharacter(text.charAt(position))) {
                position++;
            }
            if (position == start) {
                throw error(position < text.length() ? "a name is expected before '" + text.charAt(position) + "'"
                        : "a name is expected at the end");
            }
            return text.substring(start, position);
        }

        /** Names of members are terms or IRIs: none of the projection's own punctuation nor the forbidden characters. */
        private static boolean isNameCharacter(char c) {
            return c > ' ' && "{},;()<>\"'=[]|^\\`".indexOf(c) < 0;
        }

        MeridianException error(String what) {
            return MeridianException.badData("The parameter " + parameter + " is not a valid projection at character "
                    + (position + 1) + ": " + what);
        }
    }
}
