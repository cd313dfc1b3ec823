package org.meridian.web;

import io.javalin.http.Context;
import java.util.Locale;

/**
 * The languages the pages speak: Chinese (simplified) first, English. The choice, in order: the visitor's switch
 * (remembered in a cookie), then the browser's {@code Accept-Language}, then Chinese.
 */
public enum Language {
    ZH("zh-CN", "中文"),
    EN("en", "English");

    static final String COOKIE = "meridian_lang";

    private final String tag;
    private final String name;

    Language(String tag, String name) {
        this.tag = tag;
        this.name = name;
    }

    /** The BCP 47 tag, for {@code <html lang>}. */
    public String tag() {
        return tag;
    }

    /** For names of days and months. */
    public java.util.Locale locale() {
        return java.util.Locale.forLanguageTag(tag);
    }

    /** Its own name for itself (for the switch). */
    public String nativeName() {
        return name;
    }

    /** The language of a tag the switch sends, or null. */
    public static Language ofTag(String tag) {
        for (Language language : values()) {
            if (language.tag.equalsIgnoreCase(tag)) {
                return language;
            }
        }
        return null;
    }

    /** The language for this request. */
    public static Language of(Context http) {
        Language chosen = ofTag(http.cookie(COOKIE));
        return chosen != null ? chosen : negotiate(http.header("Accept-Language"));
    }

    /**
     * The browser's first language we speak, by its weights ({@code en-GB;q=0.8, zh;q=0.9} → Chinese); Chinese when
     * it names none of ours. A header too long to be honest is not read.
     */
    static Language negotiate(String acceptLanguage) {
        if (acceptLanguage == null || acceptLanguage.isBlank() || acceptLanguage.length() > 500) {
            return ZH;
        }
        Language best = null;
        double bestWeight = 0;
        for (String range : acceptLanguage.split(",")) {
            String[] parts = range.trim().split(";");
            String tag = parts[0].trim().toLowerCase(Locale.ROOT);
            double weight = 1;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].trim();
                if (parameter.startsWith("q=")) {
                    try {
                        weight = Double.parseDouble(parameter.substring(2));
                    } catch (NumberFormatException e) {
                        weight = 0;
                    }
                }
            }
            Language language = tag.equals("zh") || tag.startsWith("zh-") ? ZH : tag.equals("en") || tag.startsWith("en-") ? EN : null;
            if (language != null && weight > bestWeight) {
                best = language;
                bestWeight = weight;
            }
        }
        return best == null ? ZH : best;
    }
}
