package org.meridian.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.text.MessageFormat;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every string the pages show, per language, from {@code web/messages_<lang>.properties} (UTF-8). A key missing in
 * one language is a build failure (MessagesTest), never an English word on a Chinese page.
 */
public final class Messages {
    private static final Map<Language, Messages> ALL = new EnumMap<>(Language.class);

    static {
        for (Language language : Language.values()) {
            ALL.put(language, new Messages(language, load(language)));
        }
    }

    private final Language language;
    private final Map<String, String> texts;

    private Messages(Language language, Map<String, String> texts) {
        this.language = language;
        this.texts = texts;
    }

    public static Messages of(Language language) {
        return ALL.get(language);
    }

    public Language language() {
        return language;
    }

    /** The text of the key; the key itself in brackets when there is none (a test keeps that from happening). */
    public String get(String key) {
        String text = texts.get(key);
        return text == null ? "[" + key + "]" : text;
    }

    /** The text of the key with its {0}, {1}… filled in. */
    public String get(String key, Object... arguments) {
        return new MessageFormat(get(key), java.util.Locale.forLanguageTag(language.tag())).format(arguments);
    }

    /** The text of the key, or the fallback when there is none (for values that come from data: a state, a category). */
    public String getOr(String key, String fallback) {
        String text = texts.get(key);
        return text == null ? fallback : text;
    }

    /**
     * Who did something, as a person reads it: an account by its name, a citizen who reported without an account as
     * "citizen" (their pseudonym means nothing to anyone), the platform as "system".
     */
    public String actor(String subject) {
        if (subject == null || subject.isEmpty()) {
            return "";
        }
        if (subject.startsWith("account:")) {
            return subject.substring("account:".length());
        }
        if (subject.startsWith("citizen:") || subject.equals("reporter")) {
            return get("actor.citizen");
        }
        if (subject.startsWith("system:") || subject.startsWith("client:")) {
            return get("actor.system");
        }
        return subject;
    }

    Set<String> keys() {
        return texts.keySet();
    }

    private static Map<String, String> load(Language language) {
        String name = "/web/messages_" + language.name().toLowerCase(java.util.Locale.ROOT) + ".properties";
        try (InputStream in = Messages.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the messages " + name + " are missing from the build");
            }
            Properties properties = new Properties();
            properties.load(new InputStreamReader(in, StandardCharsets.UTF_8));
            Map<String, String> texts = new TreeMap<>();
            properties.forEach((key, value) -> texts.put((String) key, (String) value));
            return Map.copyOf(texts);
        } catch (IOException e) {
            throw new IllegalStateException("the messages " + name + " could not be read", e);
        }
    }
}
