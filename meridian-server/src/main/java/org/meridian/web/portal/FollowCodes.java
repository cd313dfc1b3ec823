package org.meridian.web.portal;

import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A citizen who reports without an account gets the case's number and a follow code (查询码): ten letters and digits
 * of Crockford's base 32 (50 bits, shown as two groups of five). Whoever holds both follows the case and rates it. The
 * browser that reported keeps its pairs in a cookie the pages alone read (HttpOnly, SameSite=Lax, at most
 * {@value #KEPT}), so the citizen need not type them again there; on another device they type them once.
 */
final class FollowCodes {
    private static final String ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static final Pattern CODE = Pattern.compile("[0-9A-HJKMNP-TV-Z]{10}");
    private static final Pattern CASE_NUMBER = Pattern.compile("\\d{8}-\\d{6}");
    private static final String COOKIE = "meridian_reports";
    static final int KEPT = 20;
    private static final SecureRandom RANDOM = new SecureRandom();

    private FollowCodes() {
    }

    static String generate() {
        StringBuilder code = new StringBuilder(10);
        for (int i = 0; i < 10; i++) {
            code.append(ALPHABET.charAt(RANDOM.nextInt(32)));
        }
        return code.toString();
    }

    /** The code as the citizen typed it (spaces, dashes, lower case and the look-alikes O, I, L forgiven), or null. */
    static String normalise(String typed) {
        if (typed == null || typed.length() > 40) {
            return null;
        }
        String code = typed.toUpperCase(java.util.Locale.ROOT).replaceAll("[\\s-]", "").replace('O', '0').replace('I', '1').replace('L', '1');
        return CODE.matcher(code).matches() ? code : null;
    }

    static boolean isCaseNumber(String number) {
        return number != null && CASE_NUMBER.matcher(number).matches();
    }

    /** As shown: ABCDE-FGHJK. */
    static String shown(String code) {
        return code.substring(0, 5) + "-" + code.substring(5);
    }

    /** The cases this browser reported or followed, newest first: number → code. */
    static Map<String, String> remembered(Context http) {
        Map<String, String> pairs = new LinkedHashMap<>();
        String value = http.cookie(COOKIE);
        if (value == null || value.length() > 1000) {
            return pairs;
        }
        for (String pair : value.split("\\.")) {
            int colon = pair.indexOf('_');
            if (colon > 0) {
                String number = pair.substring(0, colon);
                String code = normalise(pair.substring(colon + 1));
                if (isCaseNumber(number) && code != null && pairs.size() < KEPT) {
                    pairs.put(number, code);
                }
            }
        }
        return pairs;
    }

    /** Remembers the pair first in the browser's list (the oldest beyond {@value #KEPT} go). */
    static void remember(Context http, String number, String code) {
        Map<String, String> pairs = new LinkedHashMap<>();
        pairs.put(number, code);
        remembered(http).forEach(pairs::putIfAbsent);
        StringBuilder value = new StringBuilder();
        pairs.entrySet().stream().limit(KEPT).forEach(pair -> value.append(value.isEmpty() ? "" : ".").append(pair.getKey())
                .append('_').append(pair.getValue()));
        Cookie cookie = new Cookie(COOKIE, value.toString());
        cookie.setPath("/portal");
        cookie.setMaxAge(365 * 24 * 3600);
        cookie.setHttpOnly(true);
        cookie.setSameSite(SameSite.LAX);
        cookie.setSecure("https".equals(http.scheme()));
        http.cookie(cookie);
    }
}
