package org.meridian.web;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/** Moments as the pages show them: in the city's time zone, as each language writes them. */
public final class Dates {
    /** The city's zone (the case numbers' days are counted in it too). */
    static final ZoneId CITY = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter ZH = DateTimeFormatter.ofPattern("yyyy年M月d日 HH:mm").withZone(CITY);
    private static final DateTimeFormatter EN = DateTimeFormatter.ofPattern("d MMM yyyy, HH:mm", java.util.Locale.ENGLISH).withZone(CITY);

    private Dates() {
    }

    /** The city's time zone. */
    public static ZoneId zone() {
        return CITY;
    }

    public static String shown(Instant at, Language language) {
        return at == null ? "" : (language == Language.ZH ? ZH : EN).format(at);
    }
}
